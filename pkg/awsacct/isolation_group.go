package awsacct

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/respond"
)

// isolationDescription describes the isolation group in the console.
const isolationDescription = "Isolates EC2 instances for the AWS VPC Flow " +
	"Relay: no inbound or outbound rule"

// emptyRounds bounds how often IsolationGroup revokes rules that rules
// added meanwhile keep it from removing.
const emptyRounds = 3

// IsolationGroup returns the VPC's isolation group. It creates the group
// when missing, tagged as the relay's, and revokes every inbound and
// outbound rule the group holds: EC2's default outbound rule on a new
// group, and on an existing one any rule someone added, since a rule
// would let an isolated instance be reached. It counts the rules revoked
// from an existing group. Its error means the group could not be found,
// created or emptied.
func (iso *Isolation) IsolationGroup(ctx context.Context,
	vpcID string) (respond.IsolationGroup, error) {
	group, found, err := iso.findGroup(ctx, vpcID)
	if err != nil {
		return respond.IsolationGroup{}, err
	}
	if !found {
		if group, err = iso.createGroup(ctx, vpcID); err != nil {
			return respond.IsolationGroup{}, err
		}
	}
	out := respond.IsolationGroup{ID: aws.ToString(group.GroupId)}
	for range emptyRounds {
		n := len(group.IpPermissions) + len(group.IpPermissionsEgress)
		if n == 0 {
			return out, nil
		}
		if err := iso.revokeAll(ctx, group); err != nil {
			return respond.IsolationGroup{}, err
		}
		if found {
			out.Revoked += n
		}
		if group, err = iso.describeGroup(ctx, out.ID); err != nil {
			return respond.IsolationGroup{}, err
		}
	}
	return respond.IsolationGroup{}, failure.New(failure.Upstream,
		"isolation group %s keeps rules after they were revoked %d times; "+
			"remove its rules by hand", out.ID, emptyRounds)
}

// describeGroup reads one security group again.
func (iso *Isolation) describeGroup(ctx context.Context,
	id string) (ec2types.SecurityGroup, error) {
	out, err := iso.a.EC2.DescribeSecurityGroups(ctx,
		&ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	if err != nil {
		return ec2types.SecurityGroup{}, classify(err, "ec2:DescribeSecurityGroups")
	}
	if len(out.SecurityGroups) != 1 {
		return ec2types.SecurityGroup{}, failure.New(failure.Upstream,
			"isolation group %s cannot be found", id)
	}
	return out.SecurityGroups[0], nil
}

// findGroup looks up the VPC's isolation group by name.
func (iso *Isolation) findGroup(ctx context.Context,
	vpcID string) (ec2types.SecurityGroup, bool, error) {
	out, err := iso.a.EC2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{
		Filters: []ec2types.Filter{
			{Name: aws.String("group-name"),
				Values: []string{respond.IsolationGroupName(vpcID)}},
			{Name: aws.String("vpc-id"), Values: []string{vpcID}},
		}})
	if err != nil {
		return ec2types.SecurityGroup{}, false, classify(err, "ec2:DescribeSecurityGroups")
	}
	if len(out.SecurityGroups) == 0 {
		return ec2types.SecurityGroup{}, false, nil
	}
	return out.SecurityGroups[0], true, nil
}

// createGroup creates the VPC's isolation group. When another call
// created it first, that group is used.
func (iso *Isolation) createGroup(ctx context.Context,
	vpcID string) (ec2types.SecurityGroup, error) {
	name := respond.IsolationGroupName(vpcID)
	_, err := iso.a.EC2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName: aws.String(name), Description: aws.String(isolationDescription),
		VpcId: aws.String(vpcID),
		TagSpecifications: []ec2types.TagSpecification{{
			ResourceType: ec2types.ResourceTypeSecurityGroup,
			Tags: []ec2types.Tag{{Key: aws.String(ManagedByTag),
				Value: aws.String(ManagedByValue)}},
		}},
	})
	if err != nil && errorCode(err) != "InvalidGroup.Duplicate" {
		return ec2types.SecurityGroup{}, classify(err, "ec2:CreateSecurityGroup")
	}
	group, found, err := iso.findGroup(ctx, vpcID)
	if err != nil {
		return ec2types.SecurityGroup{}, err
	}
	if !found {
		return ec2types.SecurityGroup{}, failure.New(failure.Upstream,
			"security group %s was created but cannot be found", name)
	}
	return group, nil
}

// revokeAll revokes the group's inbound and outbound rules as described.
// A rule revoked meanwhile by another call is fine: the caller reads the
// group again and sees what is left.
func (iso *Isolation) revokeAll(ctx context.Context,
	group ec2types.SecurityGroup) error {
	if len(group.IpPermissions) > 0 {
		_, err := iso.a.EC2.RevokeSecurityGroupIngress(ctx,
			&ec2.RevokeSecurityGroupIngressInput{GroupId: group.GroupId,
				IpPermissions: group.IpPermissions})
		if err != nil && errorCode(err) != "InvalidPermission.NotFound" {
			return fmt.Errorf("revoke inbound rules of %s: %w",
				aws.ToString(group.GroupId),
				classify(err, "ec2:RevokeSecurityGroupIngress"))
		}
	}
	if len(group.IpPermissionsEgress) > 0 {
		_, err := iso.a.EC2.RevokeSecurityGroupEgress(ctx,
			&ec2.RevokeSecurityGroupEgressInput{GroupId: group.GroupId,
				IpPermissions: group.IpPermissionsEgress})
		if err != nil && errorCode(err) != "InvalidPermission.NotFound" {
			return fmt.Errorf("revoke outbound rules of %s: %w",
				aws.ToString(group.GroupId),
				classify(err, "ec2:RevokeSecurityGroupEgress"))
		}
	}
	return nil
}
