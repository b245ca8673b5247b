package seed

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Security group roles, as SecurityGroup.Role holds them.
const (
	groupWeb = "web"
	groupSSH = "ssh"
	groupDB  = "db"
)

// tcpFrom returns a rule admitting TCP on one port from IPv4 and IPv6
// ranges.
func tcpFrom(port int32, v4 []string, v6 []string) types.IpPermission {
	p := types.IpPermission{
		IpProtocol: aws.String("tcp"),
		FromPort:   aws.Int32(port), ToPort: aws.Int32(port),
	}
	for _, cidr := range v4 {
		p.IpRanges = append(p.IpRanges, types.IpRange{CidrIp: aws.String(cidr)})
	}
	for _, cidr := range v6 {
		p.Ipv6Ranges = append(p.Ipv6Ranges, types.Ipv6Range{CidrIpv6: aws.String(cidr)})
	}
	return p
}

// groupRules returns each security group's ingress rules: the web group
// admits the web ports from anywhere, the application ports from the VPC
// and pings from administrators; the ssh group admits SSH from
// administrators; the db group admits PostgreSQL from the private subnet.
func groupRules(t *Truth) map[string][]types.IpPermission {
	anyV4, anyV6 := []string{"0.0.0.0/0"}, []string{"::/0"}
	vpc, admins := []string{t.VPC.CIDR}, []string{adminNet}
	ping := types.IpPermission{
		IpProtocol: aws.String("icmp"),
		FromPort:   aws.Int32(8), ToPort: aws.Int32(-1),
		IpRanges: []types.IpRange{{CidrIp: aws.String(adminNet)}},
	}
	return map[string][]types.IpPermission{
		groupWeb: {
			tcpFrom(80, anyV4, anyV6), tcpFrom(443, anyV4, anyV6),
			tcpFrom(8080, vpc, nil), tcpFrom(9100, vpc, nil), ping,
		},
		groupSSH: {tcpFrom(22, admins, nil)},
		groupDB:  {tcpFrom(5432, []string{t.Subnets[1].CIDR}, nil)},
	}
}

// createSecurityGroups creates the web, ssh and db groups with their rules.
func createSecurityGroups(ctx context.Context, c clients, t *Truth) error {
	rules := groupRules(t)
	for _, role := range []string{groupWeb, groupSSH, groupDB} {
		name := t.Prefix + role
		id, err := createSecurityGroup(ctx, c, t, role, name)
		if err != nil {
			return err
		}
		if _, err := c.ec2.AuthorizeSecurityGroupIngress(ctx,
			&ec2.AuthorizeSecurityGroupIngressInput{
				GroupId: aws.String(id), IpPermissions: rules[role],
			}); err != nil {
			return fmt.Errorf("authorize ingress to %s: %w", name, err)
		}
		t.SecurityGroups = append(t.SecurityGroups,
			SecurityGroup{ID: id, Name: name, Role: role})
	}
	return nil
}

// groupIDs returns the ids of the security groups with the given roles.
func (t *Truth) groupIDs(roles ...string) []string {
	var ids []string
	for _, role := range roles {
		for _, g := range t.SecurityGroups {
			if g.Role == role {
				ids = append(ids, g.ID)
			}
		}
	}
	return ids
}

// createSecurityGroup creates the security group name for role in the seeded VPC
// and returns its id. A group of that name already there is the one a
// create the SDK retried after a lost answer made.
func createSecurityGroup(ctx context.Context, c clients, t *Truth,
	role, name string) (string, error) {
	out, err := c.ec2.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
		GroupName:         aws.String(name),
		Description:       aws.String("flow relay seed: " + role),
		VpcId:             aws.String(t.VPC.ID),
		TagSpecifications: tags(t, types.ResourceTypeSecurityGroup, role),
	})
	if err == nil {
		return aws.ToString(out.GroupId), nil
	}
	if !exists(err, "InvalidGroup.Duplicate") {
		return "", fmt.Errorf("create security group %s: %w", name, err)
	}
	found, err := c.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{
		Filters: []types.Filter{
			{Name: aws.String("group-name"), Values: []string{name}},
			{Name: aws.String("vpc-id"), Values: []string{t.VPC.ID}}}})
	if err != nil {
		return "", fmt.Errorf("find security group %s after a duplicate create: %w",
			name, err)
	}
	if len(found.SecurityGroups) != 1 {
		return "", fmt.Errorf("find security group %s after a duplicate create: "+
			"%d groups have its name", name, len(found.SecurityGroups))
	}
	return aws.ToString(found.SecurityGroups[0].GroupId), nil
}
