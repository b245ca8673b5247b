package seed

import (
	"context"
	"fmt"
	"hash/fnv"
	"net/netip"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// settleTimeout bounds each wait for EC2 to finish a change. Emulators
// finish at once; real AWS takes seconds to minutes.
const settleTimeout = 5 * time.Minute

// buildAccount creates the VPC and everything in it, and records it in t.
func buildAccount(ctx context.Context, c clients, t *Truth) error {
	id, err := c.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return fmt.Errorf("get caller identity: %w", err)
	}
	t.AccountID = aws.ToString(id.Account)

	steps := []struct {
		name string
		run  func(context.Context, clients, *Truth) error
	}{
		{"create VPC", createVPC},
		{"create subnets", createSubnets},
		{"create internet gateway", createInternetGateway},
		{"create security groups", createSecurityGroups},
		{"create NAT gateway", createNATGateway},
		{"launch instances", launchInstances},
		{"read instances back", readInstances},
	}
	for _, step := range steps {
		if err := step.run(ctx, c, t); err != nil {
			return fmt.Errorf("%s for prefix %q: %w", step.name, t.Prefix, err)
		}
	}
	return nil
}

// tags returns the tag specification naming a resource.
func tags(t *Truth, kind types.ResourceType, name string) []types.TagSpecification {
	return []types.TagSpecification{{
		ResourceType: kind,
		Tags: []types.Tag{
			{Key: aws.String("Name"), Value: aws.String(t.Prefix + name)},
			{Key: aws.String("vpc-flow-relay:seed"), Value: aws.String(t.Prefix)},
		},
	}}
}

// freeCIDR returns a 10.N.0.0/16 no VPC of the region uses yet, starting
// from a block derived from the prefix.
func freeCIDR(ctx context.Context, c clients, prefix string) (netip.Prefix, error) {
	used := map[string]bool{}
	pages := ec2.NewDescribeVpcsPaginator(c.ec2, &ec2.DescribeVpcsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("describe VPCs: %w", err)
		}
		for _, v := range page.Vpcs {
			for _, a := range v.CidrBlockAssociationSet {
				used[aws.ToString(a.CidrBlock)] = true
			}
		}
	}

	h := fnv.New32a()
	h.Write([]byte(prefix))
	start := int(h.Sum32() % 250)
	for i := range 250 {
		cidr := fmt.Sprintf("10.%d.0.0/16", (start+i)%250+1)
		if !used[cidr] {
			return netip.MustParsePrefix(cidr), nil
		}
	}
	return netip.Prefix{}, fmt.Errorf("every 10.N.0.0/16 is taken")
}

// createVPC creates the VPC with an Amazon-provided IPv6 block and waits
// for the block to be associated.
func createVPC(ctx context.Context, c clients, t *Truth) error {
	cidr, err := freeCIDR(ctx, c, t.Prefix)
	if err != nil {
		return err
	}
	out, err := c.ec2.CreateVpc(ctx, &ec2.CreateVpcInput{
		CidrBlock:                   aws.String(cidr.String()),
		AmazonProvidedIpv6CidrBlock: aws.Bool(true),
		TagSpecifications:           tags(t, types.ResourceTypeVpc, "flow-relay-vpc"),
	})
	if err != nil {
		return fmt.Errorf("create VPC %s: %w", cidr, err)
	}
	t.VPC = VPC{
		ID:         aws.ToString(out.Vpc.VpcId),
		CIDR:       cidr.String(),
		ResolverIP: hostOf(cidr, 0, 2),
	}

	v6, err := waitIPv6Block(ctx, c, t.VPC.ID)
	if err != nil {
		return err
	}
	t.VPC.IPv6CIDR = v6.String()
	return nil
}

// waitIPv6Block polls the VPC until its IPv6 block is associated.
func waitIPv6Block(
	ctx context.Context,
	c clients,
	vpcID string,
) (netip.Prefix, error) {
	deadline := time.Now().Add(settleTimeout)
	for {
		out, err := c.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{
			VpcIds: []string{vpcID},
		})
		if err != nil {
			return netip.Prefix{}, fmt.Errorf("describe VPC %s: %w", vpcID, err)
		}
		for _, v := range out.Vpcs {
			for _, a := range v.Ipv6CidrBlockAssociationSet {
				if p, err := netip.ParsePrefix(aws.ToString(a.Ipv6CidrBlock)); err == nil {
					return p.Masked(), nil
				}
			}
		}
		if time.Now().After(deadline) {
			return netip.Prefix{}, fmt.Errorf("VPC %s has no IPv6 block after %v",
				vpcID, settleTimeout)
		}
		time.Sleep(2 * time.Second)
	}
}

// hostOf returns the address at third.fourth octets within a /16.
func hostOf(p netip.Prefix, third, fourth byte) string {
	b := p.Addr().As4()
	b[2], b[3] = third, fourth
	return netip.AddrFrom4(b).String()
}

// subnet64 returns the index-th /64 of an IPv6 block of /56 or shorter.
func subnet64(block netip.Prefix, index byte) netip.Prefix {
	b := block.Addr().As16()
	b[7] |= index
	return netip.PrefixFrom(netip.AddrFrom16(b), 64)
}

// hostIn returns the address ::host within an IPv6 /64, canonical.
func hostIn(p netip.Prefix, host byte) string {
	b := p.Addr().As16()
	b[15] = host
	return netip.AddrFrom16(b).String()
}
