package observe

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/aws-vpc-flow-relay/relay/pkg/ctim"
)

// resolve finds the instance holding each asked address and the addresses
// each subject appears as in flow log records. Flow logs record an
// instance's private address, so a public or Elastic IP is searched as the
// private address it translates to, and as itself for traffic captured
// before translation.
func resolve(ctx context.Context, inv Inventory, asked []ctim.Observable) ([]Subject, error) {
	subjects := make([]Subject, 0, len(asked))
	addrs := make([]netip.Addr, 0, len(asked))
	for _, o := range asked {
		a, err := netip.ParseAddr(o.Value)
		if err != nil {
			return nil, fmt.Errorf("parse %s observable %q: %w", o.Type, o.Value, err)
		}
		a = a.Unmap()
		subjects = append(subjects, Subject{Observable: o, Addr: a})
		addrs = append(addrs, a)
	}
	holders, err := inv.Holders(ctx, addrs)
	if err != nil {
		return nil, fmt.Errorf("find instances holding %d addresses: %w", len(addrs), err)
	}
	for i := range subjects {
		s := &subjects[i]
		if in, ok := holders[s.Addr]; ok {
			s.Instance = &in
			s.Private, s.elastic = in.privateFor(s.Addr)
		}
		if s.Private.IsValid() {
			s.SearchAs = append(s.SearchAs, s.Private)
		}
		s.SearchAs = append(s.SearchAs, s.Addr)
	}
	return subjects, nil
}

// privateFor returns the private address a public address of the instance
// translates to, and whether the public address is an Elastic IP. A
// private address gives the zero Addr.
func (in *Instance) privateFor(a netip.Addr) (netip.Addr, bool) {
	for _, p := range in.PublicIPs {
		if p.Public == a {
			return p.Private, p.Elastic
		}
	}
	return netip.Addr{}, false
}

// RecordedAs returns, for each public IPv4 address among addrs that an
// instance holds, the private address flow log records show in its place.
// Other addresses appear in records as themselves and are absent from the
// map, so a caller asks the inventory nothing for them.
func RecordedAs(ctx context.Context, inv Inventory,
	addrs []netip.Addr) (map[netip.Addr]netip.Addr, error) {
	var public []netip.Addr
	for _, a := range addrs {
		if a.Is4() && !a.IsPrivate() {
			public = append(public, a)
		}
	}
	out := map[netip.Addr]netip.Addr{}
	if len(public) == 0 {
		return out, nil
	}
	holders, err := inv.Holders(ctx, public)
	if err != nil {
		return nil, fmt.Errorf("find instances holding %d public addresses: %w",
			len(public), err)
	}
	for a, in := range holders {
		if private, _ := in.privateFor(a); private.IsValid() {
			out[a] = private
		}
	}
	return out, nil
}
