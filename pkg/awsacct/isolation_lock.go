package awsacct

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/respond"
)

// lockDescription describes a lock group in the console.
const lockDescription = "Marks an isolation action under way for the AWS " +
	"VPC Flow Relay; never attached, deleted when the action ends"

// CreateLock creates the security group name in the VPC (the default VPC
// when vpcID is ""), tagged as the relay's and with tags, and returns its
// id. It reports false, and no error, when the VPC already holds a group
// of that name: EC2 decides that atomically.
func (iso *Isolation) CreateLock(ctx context.Context, vpcID, name string,
	tags []respond.Tag) (string, bool, error) {
	list := []ec2types.Tag{{Key: aws.String(ManagedByTag),
		Value: aws.String(ManagedByValue)}}
	for _, t := range tags {
		list = append(list, ec2types.Tag{Key: aws.String(t.Key),
			Value: aws.String(t.Value)})
	}
	in := &ec2.CreateSecurityGroupInput{GroupName: aws.String(name),
		Description: aws.String(lockDescription),
		TagSpecifications: []ec2types.TagSpecification{{
			ResourceType: ec2types.ResourceTypeSecurityGroup, Tags: list}}}
	if vpcID != "" {
		in.VpcId = aws.String(vpcID)
	}
	out, err := iso.a.EC2.CreateSecurityGroup(ctx, in)
	if errorCode(err) == "InvalidGroup.Duplicate" {
		return "", false, nil
	}
	if err != nil {
		return "", false, classify(err, "ec2:CreateSecurityGroup")
	}
	return aws.ToString(out.GroupId), true, nil
}

// FindLock describes the security group name in the VPC (any VPC when
// vpcID is ""): its id and tags. It reports false when there is none.
func (iso *Isolation) FindLock(ctx context.Context, vpcID,
	name string) (respond.LockGroup, bool, error) {
	filters := []ec2types.Filter{{Name: aws.String("group-name"),
		Values: []string{name}}}
	if vpcID != "" {
		filters = append(filters, ec2types.Filter{Name: aws.String("vpc-id"),
			Values: []string{vpcID}})
	}
	out, err := iso.a.EC2.DescribeSecurityGroups(ctx,
		&ec2.DescribeSecurityGroupsInput{Filters: filters})
	if err != nil {
		return respond.LockGroup{}, false, classify(err, "ec2:DescribeSecurityGroups")
	}
	if len(out.SecurityGroups) == 0 {
		return respond.LockGroup{}, false, nil
	}
	g := out.SecurityGroups[0]
	l := respond.LockGroup{ID: aws.ToString(g.GroupId), Tags: map[string]string{}}
	for _, t := range g.Tags {
		l.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return l, true, nil
}

// DeleteLock deletes a security group by id. A group deleted already
// (another action took an expired lock over) is not an error.
func (iso *Isolation) DeleteLock(ctx context.Context, groupID string) error {
	_, err := iso.a.EC2.DeleteSecurityGroup(ctx,
		&ec2.DeleteSecurityGroupInput{GroupId: aws.String(groupID)})
	if errorCode(err) == "InvalidGroup.NotFound" {
		return nil
	}
	return classify(err, "ec2:DeleteSecurityGroup")
}
