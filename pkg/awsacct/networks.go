package awsacct

import (
	"context"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

// networksTTL is how long the account's VPC and subnet ranges are reused.
// Ranges change rarely; a warm function rereads them after this long, so
// a new VPC counts as internal within a minute.
const networksTTL = time.Minute

// cachedNetworks keeps the ranges read last and when.
type cachedNetworks struct {
	mu       sync.Mutex
	prefixes []netip.Prefix
	subnets  []subnetRange
	read     time.Time
}

// subnetRange is one subnet and its IPv4 and IPv6 blocks.
type subnetRange struct {
	id       string
	prefixes []netip.Prefix
}

// Networks returns the IPv4 and IPv6 ranges of every VPC and subnet of
// the account in its region, following every page.
func (inv inventory) Networks(ctx context.Context) ([]netip.Prefix, error) {
	prefixes, _, err := inv.ranges(ctx)
	return prefixes, err
}

// ranges returns every VPC and subnet range and the subnets, reading them
// again when the cached ones are older than networksTTL.
func (inv inventory) ranges(ctx context.Context) ([]netip.Prefix, []subnetRange, error) {
	c := &inv.a.networks
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.prefixes != nil && time.Since(c.read) < networksTTL {
		return c.prefixes, c.subnets, nil
	}
	vpcs, err := inv.vpcRanges(ctx)
	if err != nil {
		return nil, nil, err
	}
	subnets, err := inv.subnetRanges(ctx)
	if err != nil {
		return nil, nil, err
	}
	prefixes := vpcs
	for _, s := range subnets {
		for _, p := range s.prefixes {
			prefixes = appendUnique(prefixes, p)
		}
	}
	c.prefixes, c.subnets, c.read = prefixes, subnets, time.Now()
	return c.prefixes, c.subnets, nil
}

// vpcRanges lists every associated IPv4 and IPv6 block of every VPC.
func (inv inventory) vpcRanges(ctx context.Context) ([]netip.Prefix, error) {
	out := []netip.Prefix{}
	pages := ec2.NewDescribeVpcsPaginator(inv.a.EC2, &ec2.DescribeVpcsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify(err, "ec2:DescribeVpcs")
		}
		for _, v := range page.Vpcs {
			out = appendPrefix(out, aws.ToString(v.CidrBlock))
			for _, b := range v.CidrBlockAssociationSet {
				out = appendPrefix(out, aws.ToString(b.CidrBlock))
			}
			for _, b := range v.Ipv6CidrBlockAssociationSet {
				out = appendPrefix(out, aws.ToString(b.Ipv6CidrBlock))
			}
		}
	}
	return out, nil
}

// subnetRanges lists every subnet with its IPv4 and IPv6 blocks.
func (inv inventory) subnetRanges(ctx context.Context) ([]subnetRange, error) {
	var out []subnetRange
	pages := ec2.NewDescribeSubnetsPaginator(inv.a.EC2, &ec2.DescribeSubnetsInput{})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify(err, "ec2:DescribeSubnets")
		}
		for _, s := range page.Subnets {
			r := subnetRange{id: aws.ToString(s.SubnetId)}
			r.prefixes = appendPrefix(r.prefixes, aws.ToString(s.CidrBlock))
			for _, b := range s.Ipv6CidrBlockAssociationSet {
				r.prefixes = appendPrefix(r.prefixes, aws.ToString(b.Ipv6CidrBlock))
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// appendPrefix appends a valid CIDR once; anything else is skipped.
func appendPrefix(out []netip.Prefix, cidr string) []netip.Prefix {
	p, err := netip.ParsePrefix(cidr)
	if err != nil {
		return out
	}
	return appendUnique(out, p.Masked())
}

// appendUnique appends p unless out already holds it.
func appendUnique(out []netip.Prefix, p netip.Prefix) []netip.Prefix {
	if slices.Contains(out, p) {
		return out
	}
	return append(out, p)
}
