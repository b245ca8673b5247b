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

// IsolationGroup returns the id of the VPC's isolation group. It creates
// the group when missing, tagged as the relay's, and revokes the
// allow-all outbound rule EC2 gives every new group. An existing group is
// reused as it is, except that an allow-all outbound rule is revoked:
// rules added on purpose, such as access for forensics, stay.
func (iso *Isolation) IsolationGroup(ctx context.Context, vpcID string) (string, error) {
	group, found, err := iso.findGroup(ctx, vpcID)
	if err != nil {
		return "", err
	}
	if !found {
		if group, err = iso.createGroup(ctx, vpcID); err != nil {
			return "", err
		}
	}
	if err := iso.revokeOpenEgress(ctx, group); err != nil {
		return "", err
	}
	return aws.ToString(group.GroupId), nil
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

// revokeOpenEgress revokes the outbound ranges of the group that allow
// all traffic to anywhere; narrower ranges stay. A range revoked
// meanwhile by another call is fine.
func (iso *Isolation) revokeOpenEgress(ctx context.Context,
	group ec2types.SecurityGroup) error {
	var open []ec2types.IpPermission
	for _, p := range group.IpPermissionsEgress {
		if o, ok := openPart(p); ok {
			open = append(open, o)
		}
	}
	if len(open) == 0 {
		return nil
	}
	_, err := iso.a.EC2.RevokeSecurityGroupEgress(ctx,
		&ec2.RevokeSecurityGroupEgressInput{GroupId: group.GroupId,
			IpPermissions: open})
	if err != nil && errorCode(err) != "InvalidPermission.NotFound" {
		return fmt.Errorf("revoke open egress of %s: %w",
			aws.ToString(group.GroupId), classify(err, "ec2:RevokeSecurityGroupEgress"))
	}
	return nil
}

// openPart returns the part of a rule that allows every protocol to
// 0.0.0.0/0 or ::/0, as EC2's default outbound rules do, and whether
// there is one.
func openPart(p ec2types.IpPermission) (ec2types.IpPermission, bool) {
	out := ec2types.IpPermission{IpProtocol: p.IpProtocol}
	if aws.ToString(p.IpProtocol) != "-1" {
		return out, false
	}
	for _, r := range p.IpRanges {
		if aws.ToString(r.CidrIp) == "0.0.0.0/0" {
			out.IpRanges = append(out.IpRanges, ec2types.IpRange{CidrIp: r.CidrIp})
		}
	}
	for _, r := range p.Ipv6Ranges {
		if aws.ToString(r.CidrIpv6) == "::/0" {
			out.Ipv6Ranges = append(out.Ipv6Ranges,
				ec2types.Ipv6Range{CidrIpv6: r.CidrIpv6})
		}
	}
	return out, len(out.IpRanges)+len(out.Ipv6Ranges) > 0
}
