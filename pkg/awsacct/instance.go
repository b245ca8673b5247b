package awsacct

import (
	"net/netip"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/observe"
)

// instanceOf converts an EC2 instance description. Addresses come from
// every network interface; the instance-level fields fill in what an
// interface list lacks. Missing values are skipped, never dereferenced.
func instanceOf(i ec2types.Instance, elastic map[netip.Addr]bool) observe.Instance {
	out := observe.Instance{
		ID:             aws.ToString(i.InstanceId),
		Name:           tag(i.Tags, "Name"),
		VPCID:          aws.ToString(i.VpcId),
		PrivateDNSName: aws.ToString(i.PrivateDnsName),
	}
	if i.State != nil {
		out.State = string(i.State.Name)
	}
	for _, ni := range i.NetworkInterfaces {
		addInterface(&out, ni, elastic)
	}
	primary := parse(aws.ToString(i.PrivateIpAddress))
	addPrivate(&out, primary)
	if public := parse(aws.ToString(i.PublicIpAddress)); public.IsValid() {
		addPublic(&out, observe.PublicIP{Public: public, Private: primary,
			Elastic: elastic[public]})
	}
	return out
}

// addInterface adds the addresses of one network interface.
func addInterface(out *observe.Instance, ni ec2types.InstanceNetworkInterface,
	elastic map[netip.Addr]bool) {
	for _, p := range ni.PrivateIpAddresses {
		private := parse(aws.ToString(p.PrivateIpAddress))
		addPrivate(out, private)
		if p.Association == nil {
			continue
		}
		public := parse(aws.ToString(p.Association.PublicIp))
		if public.IsValid() && private.IsValid() {
			addPublic(out, observe.PublicIP{Public: public, Private: private,
				Elastic: elastic[public]})
		}
	}
	for _, v6 := range ni.Ipv6Addresses {
		if a := parse(aws.ToString(v6.Ipv6Address)); a.IsValid() &&
			!slices.Contains(out.IPv6s, a) {
			out.IPv6s = append(out.IPv6s, a)
		}
	}
}

// addPrivate adds a valid private address once.
func addPrivate(out *observe.Instance, a netip.Addr) {
	if a.IsValid() && !slices.Contains(out.PrivateIPs, a) {
		out.PrivateIPs = append(out.PrivateIPs, a)
	}
}

// addPublic adds a public address once.
func addPublic(out *observe.Instance, p observe.PublicIP) {
	for _, q := range out.PublicIPs {
		if q.Public == p.Public {
			return
		}
	}
	out.PublicIPs = append(out.PublicIPs, p)
}

// parse reads an address, returning the zero Addr for anything else.
func parse(s string) netip.Addr {
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Addr{}
	}
	return a.Unmap()
}

// tag returns the value of the tag with the given key.
func tag(tags []ec2types.Tag, key string) string {
	for _, t := range tags {
		if aws.ToString(t.Key) == key {
			return aws.ToString(t.Value)
		}
	}
	return ""
}
