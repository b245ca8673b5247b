package seed

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// tileVPCCIDR is the tiles VPC's range, beside moto's 172.31.0.0/16
// default VPC of a fresh account.
const tileVPCCIDR = "10.20.0.0/16"

// tileInstanceTypes are cycled through, so that the table shows several.
var tileInstanceTypes = []types.InstanceType{types.InstanceTypeT3Micro,
	types.InstanceTypeT3Small, types.InstanceTypeM5Large, types.InstanceTypeC5Xlarge}

// countDefaults counts the VPCs, subnets and security groups the account
// already has: a fresh emulator account has a default VPC in each region.
func countDefaults(ctx context.Context, cfg aws.Config, _ TileOptions, t *TileTruth) error {
	c := ec2.NewFromConfig(cfg)
	vpcs, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{})
	if err != nil {
		return fmt.Errorf("describe VPCs: %w", err)
	}
	subnets, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{})
	if err != nil {
		return fmt.Errorf("describe subnets: %w", err)
	}
	groups, err := c.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{})
	if err != nil {
		return fmt.Errorf("describe security groups: %w", err)
	}
	t.Counts.VPCs = len(vpcs.Vpcs)
	t.Counts.Subnets = len(subnets.Subnets)
	t.Counts.SecurityGroups = len(groups.SecurityGroups)
	return nil
}

// createTileNetwork creates a VPC (which brings its own default security
// group), two subnets and two security groups.
func createTileNetwork(ctx context.Context, cfg aws.Config, o TileOptions, t *TileTruth) error {
	c := ec2.NewFromConfig(cfg)
	vpc, err := c.CreateVpc(ctx, &ec2.CreateVpcInput{CidrBlock: aws.String(tileVPCCIDR)})
	if err != nil {
		return fmt.Errorf("create VPC %s: %w", tileVPCCIDR, err)
	}
	vpcID := vpc.Vpc.VpcId
	t.vpcID = aws.ToString(vpcID)
	for i := range 2 {
		cidr := fmt.Sprintf("10.20.%d.0/24", i+1)
		s, err := c.CreateSubnet(ctx, &ec2.CreateSubnetInput{VpcId: vpcID,
			CidrBlock: aws.String(cidr)})
		if err != nil {
			return fmt.Errorf("create subnet %s: %w", cidr, err)
		}
		t.subnets = append(t.subnets, aws.ToString(s.Subnet.SubnetId))
	}
	for _, name := range []string{"web", "db"} {
		if _, err := c.CreateSecurityGroup(ctx, &ec2.CreateSecurityGroupInput{
			VpcId: vpcID, GroupName: aws.String(o.Prefix + name),
			Description: aws.String("tiles " + name)}); err != nil {
			return fmt.Errorf("create security group %s: %w", name, err)
		}
	}
	t.Counts.VPCs++
	t.Counts.Subnets += 2
	t.Counts.SecurityGroups += 3
	return nil
}

// tileName returns the Name tag of the i-th instance: one name holds a
// "|" and markdown, and one instance has no name at all.
func tileName(prefix string, i int) string {
	switch i {
	case 0:
		return prefix + "edge | blue *canary*"
	case 1:
		return ""
	}
	return fmt.Sprintf("%snode-%02d", prefix, i)
}

// launchTileInstances launches the instances one by one, then stops every
// tenth and terminates the last two.
func launchTileInstances(ctx context.Context, cfg aws.Config, o TileOptions, t *TileTruth) error {
	c := ec2.NewFromConfig(cfg)
	image, err := findImage(ctx, clientsFor(cfg))
	if err != nil {
		return err
	}
	subnets := t.subnets
	var all []TileInstance
	for i := range o.Instances {
		in, err := launchOne(ctx, c, image, subnets[i%2], i, o.Prefix)
		if err != nil {
			return err
		}
		all = append(all, in)
	}
	return settleInstances(ctx, c, t, all)
}

// launchOne launches the i-th instance.
func launchOne(ctx context.Context, c *ec2.Client, image, subnet string, i int,
	prefix string) (TileInstance, error) {
	in := &ec2.RunInstancesInput{ImageId: aws.String(image),
		InstanceType: tileInstanceTypes[i%len(tileInstanceTypes)],
		MinCount:     aws.Int32(1), MaxCount: aws.Int32(1), SubnetId: aws.String(subnet)}
	name := tileName(prefix, i)
	if name != "" {
		in.TagSpecifications = []types.TagSpecification{{
			ResourceType: types.ResourceTypeInstance,
			Tags:         []types.Tag{{Key: aws.String("Name"), Value: aws.String(name)}}}}
	}
	out, err := c.RunInstances(ctx, in)
	if err != nil || len(out.Instances) != 1 {
		return TileInstance{}, fmt.Errorf("run instance %d: %w", i, err)
	}
	got := out.Instances[0]
	return TileInstance{ID: aws.ToString(got.InstanceId), Name: name,
		Type: string(in.InstanceType), PrivateIP: aws.ToString(got.PrivateIpAddress),
		State: "running"}, nil
}

// settleInstances stops every tenth instance, terminates the last two and
// records the rest in t.
func settleInstances(ctx context.Context, c *ec2.Client, t *TileTruth,
	all []TileInstance) error {
	var stop []string
	for i := range all {
		if i%10 == 5 {
			stop = append(stop, all[i].ID)
			all[i].State = "stopped"
		}
	}
	if _, err := c.StopInstances(ctx, &ec2.StopInstancesInput{InstanceIds: stop}); err != nil {
		return fmt.Errorf("stop %d instances: %w", len(stop), err)
	}
	last := all[len(all)-2:]
	for _, in := range last {
		t.Terminated = append(t.Terminated, in.ID)
	}
	if _, err := c.TerminateInstances(ctx, &ec2.TerminateInstancesInput{
		InstanceIds: t.Terminated}); err != nil {
		return fmt.Errorf("terminate %d instances: %w", len(t.Terminated), err)
	}
	t.Instances = all[:len(all)-2]
	t.Counts.Instances = len(t.Instances)
	return nil
}

// lower returns s in lower case, as bucket names must be.
func lower(s string) string { return strings.ToLower(s) }
