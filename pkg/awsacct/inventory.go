package awsacct

import (
	"context"
	"net/netip"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/observe"
)

// Inventory returns the account's EC2 estate as package observe asks it.
func (a *Account) Inventory() observe.Inventory { return inventory{a} }

// inventory implements observe.Inventory with EC2 calls.
type inventory struct{ a *Account }

// Holders finds the instance holding each address. Private and IPv6
// addresses are looked up on network interfaces, so secondary interfaces
// count; public addresses through the instances' primary public IPs and
// the account's Elastic IPs, which are the only public IPv4 addresses an
// interface can have.
func (inv inventory) Holders(ctx context.Context,
	addrs []netip.Addr) (map[netip.Addr]observe.Instance, error) {
	ids, elastic, err := inv.holderIDs(ctx, addrs)
	if err != nil {
		return nil, err
	}
	instances, err := inv.describe(ctx, keys(ids), elastic)
	if err != nil {
		return nil, err
	}
	return byAddress(instances, addrs), nil
}

// holderIDs returns the ids of the instances that hold any of addrs, by
// private, IPv6, Elastic or public address, and which of addrs are
// Elastic IPs.
func (inv inventory) holderIDs(ctx context.Context, addrs []netip.Addr) (
	map[string]bool, map[netip.Addr]bool, error) {
	v4, v6 := splitFamilies(addrs)
	ids := map[string]bool{}
	elastic := map[netip.Addr]bool{}
	if err := inv.interfaceHolders(ctx, "addresses.private-ip-address", v4, ids); err != nil {
		return nil, nil, err
	}
	if err := inv.ipv6Holders(ctx, v6, ids); err != nil {
		return nil, nil, err
	}
	if err := inv.elasticHolders(ctx, v4, ids, elastic); err != nil {
		return nil, nil, err
	}
	if err := inv.publicHolders(ctx, v4, ids); err != nil {
		return nil, nil, err
	}
	return ids, elastic, nil
}

// interfaceHolders adds the instances of the network interfaces that
// match the filter to ids.
func (inv inventory) interfaceHolders(ctx context.Context, filter string,
	values []string, ids map[string]bool) error {
	if len(values) == 0 {
		return nil
	}
	in := &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{
		{Name: aws.String(filter), Values: values}}}
	return inv.eachInterface(ctx, in, func(ni ec2types.NetworkInterface) {
		addAttached(ni, ids)
	})
}

// eachInterface calls fn for every network interface that
// DescribeNetworkInterfaces returns for in, following every page.
func (inv inventory) eachInterface(ctx context.Context,
	in *ec2.DescribeNetworkInterfacesInput, fn func(ec2types.NetworkInterface)) error {
	pages := ec2.NewDescribeNetworkInterfacesPaginator(inv.a.EC2, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return classify(err, "ec2:DescribeNetworkInterfaces")
		}
		for _, ni := range page.NetworkInterfaces {
			fn(ni)
		}
	}
	return nil
}

// addAttached adds the instance an interface is attached to, if any.
func addAttached(ni ec2types.NetworkInterface, ids map[string]bool) {
	if ni.Attachment != nil && aws.ToString(ni.Attachment.InstanceId) != "" {
		ids[aws.ToString(ni.Attachment.InstanceId)] = true
	}
}

// ipv6Holders adds the instances holding the IPv6 addresses to ids. It
// lists the interfaces of the subnets whose ranges hold the addresses and
// matches them here, which needs no IPv6 address filter (EC2 emulators
// lack one) and reads only the subnets that can hold the address.
func (inv inventory) ipv6Holders(ctx context.Context, v6 []netip.Addr,
	ids map[string]bool) error {
	if len(v6) == 0 {
		return nil
	}
	_, subnets, err := inv.ranges(ctx)
	if err != nil {
		return err
	}
	var inSubnets []string
	for _, s := range subnets {
		if slices.ContainsFunc(v6, func(a netip.Addr) bool { return within(s.prefixes, a) }) {
			inSubnets = append(inSubnets, s.id)
		}
	}
	if len(inSubnets) == 0 {
		return nil
	}
	in := &ec2.DescribeNetworkInterfacesInput{Filters: []ec2types.Filter{
		{Name: aws.String("subnet-id"), Values: inSubnets}}}
	return inv.eachInterface(ctx, in, func(ni ec2types.NetworkInterface) {
		for _, a := range ni.Ipv6Addresses {
			if slices.Contains(v6, parse(aws.ToString(a.Ipv6Address))) {
				addAttached(ni, ids)
			}
		}
	})
}

// within reports whether a lies in one of prefixes.
func within(prefixes []netip.Prefix, a netip.Addr) bool {
	return slices.ContainsFunc(prefixes, func(p netip.Prefix) bool { return p.Contains(a) })
}

// elasticHolders adds the instances that Elastic IPs among values are
// associated with to ids, and marks those addresses as Elastic.
func (inv inventory) elasticHolders(ctx context.Context, values []string,
	ids map[string]bool, elastic map[netip.Addr]bool) error {
	if len(values) == 0 {
		return nil
	}
	out, err := inv.a.EC2.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{
		Filters: []ec2types.Filter{{Name: aws.String("public-ip"), Values: values}}})
	if err != nil {
		return classify(err, "ec2:DescribeAddresses")
	}
	var viaInterface []string
	for _, addr := range out.Addresses {
		if ip, err := netip.ParseAddr(aws.ToString(addr.PublicIp)); err == nil {
			elastic[ip] = true
		}
		if id := aws.ToString(addr.InstanceId); id != "" {
			ids[id] = true
		} else if eni := aws.ToString(addr.NetworkInterfaceId); eni != "" {
			viaInterface = append(viaInterface, eni)
		}
	}
	return inv.attachedTo(ctx, viaInterface, ids)
}

// attachedTo adds the instances the given interfaces are attached to. An
// Elastic IP associated through an interface may name only the interface.
func (inv inventory) attachedTo(ctx context.Context, interfaceIDs []string,
	ids map[string]bool) error {
	if len(interfaceIDs) == 0 {
		return nil
	}
	in := &ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: interfaceIDs}
	return inv.eachInterface(ctx, in, func(ni ec2types.NetworkInterface) {
		addAttached(ni, ids)
	})
}

// publicHolders adds the instances whose primary public IP is among
// values to ids.
func (inv inventory) publicHolders(ctx context.Context, values []string,
	ids map[string]bool) error {
	if len(values) == 0 {
		return nil
	}
	in := &ec2.DescribeInstancesInput{Filters: []ec2types.Filter{
		{Name: aws.String("ip-address"), Values: values}}}
	return inv.eachInstance(ctx, in, func(i ec2types.Instance) {
		ids[aws.ToString(i.InstanceId)] = true
	})
}

// describe reads the full description of the instances with the given
// ids.
func (inv inventory) describe(ctx context.Context, ids []string,
	elastic map[netip.Addr]bool) ([]observe.Instance, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var out []observe.Instance
	in := &ec2.DescribeInstancesInput{InstanceIds: ids}
	err := inv.eachInstance(ctx, in, func(i ec2types.Instance) {
		out = append(out, instanceOf(i, elastic))
	})
	return out, err
}

// eachInstance calls fn for every instance DescribeInstances returns for
// in, following every page.
func (inv inventory) eachInstance(ctx context.Context, in *ec2.DescribeInstancesInput,
	fn func(ec2types.Instance)) error {
	pages := ec2.NewDescribeInstancesPaginator(inv.a.EC2, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return classify(err, "ec2:DescribeInstances")
		}
		for _, r := range page.Reservations {
			for _, i := range r.Instances {
				fn(i)
			}
		}
	}
	return nil
}

// byAddress maps every asked address to the instance holding it.
func byAddress(instances []observe.Instance, addrs []netip.Addr) map[netip.Addr]observe.Instance {
	out := map[netip.Addr]observe.Instance{}
	for _, in := range instances {
		for _, a := range addrs {
			if holds(in, a) {
				out[a] = in
			}
		}
	}
	return out
}

// holds reports whether the instance has address a on any interface.
func holds(in observe.Instance, a netip.Addr) bool {
	return slices.Contains(in.PrivateIPs, a) || slices.Contains(in.IPv6s, a) ||
		slices.ContainsFunc(in.PublicIPs, func(p observe.PublicIP) bool {
			return p.Public == a
		})
}

// splitFamilies returns the textual IPv4 addresses and the IPv6 addresses
// of addrs.
func splitFamilies(addrs []netip.Addr) (v4 []string, v6 []netip.Addr) {
	for _, a := range addrs {
		if a.Is4() {
			v4 = append(v4, a.String())
		} else {
			v6 = append(v6, a)
		}
	}
	return v4, v6
}

// keys returns the keys of a set.
func keys(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	return out
}
