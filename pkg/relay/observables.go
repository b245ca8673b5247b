package relay

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/netip"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// MaxObservables is the most observables one request may list, of any
// type. SecureX sends far fewer; a longer list is refused as a whole.
const MaxObservables = 1000

// MaxAddresses is the most distinct ip and ipv6 observables one request may
// ask about. Each costs a search of the flow logs, so a longer list is
// refused rather than answered slowly.
const MaxAddresses = 50

// Observable is one entry of an observables request body.
type Observable struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// Address is an ip or ipv6 observable the relay can answer about.
type Address struct {
	Observable
	Addr netip.Addr
}

// DecodeObservables reads an observables body: a JSON list of
// {"type", "value"} objects. It refuses a body that is not such a list, an
// entry without a type or value, or more than MaxObservables entries.
func DecodeObservables(body []byte) ([]Observable, error) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '[' {
		return nil, failure.New(failure.InvalidArgument,
			"the body must be a JSON list of observables")
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, failure.Wrap(err, failure.InvalidArgument,
			"the body is not valid JSON")
	}
	if len(raw) > MaxObservables {
		return nil, failure.New(failure.InvalidArgument,
			"at most %d observables per request, got %d", MaxObservables, len(raw))
	}
	list := make([]Observable, 0, len(raw))
	for i, r := range raw {
		o, err := decodeObservable(r)
		if err != nil {
			return nil, fmt.Errorf("observable %d: %w", i, err)
		}
		list = append(list, o)
	}
	return list, nil
}

// decodeObservable reads one {"type", "value"} entry.
func decodeObservable(raw json.RawMessage) (Observable, error) {
	var o struct {
		Type  *string `json:"type"`
		Value *string `json:"value"`
	}
	if err := json.Unmarshal(raw, &o); err != nil {
		return Observable{}, failure.Wrap(err, failure.InvalidArgument,
			"each observable must be an object with string type and value")
	}
	if o.Type == nil || *o.Type == "" || o.Value == nil || *o.Value == "" {
		return Observable{}, failure.New(failure.InvalidArgument,
			"each observable needs a non-empty type and value")
	}
	return Observable{Type: *o.Type, Value: *o.Value}, nil
}

// Addresses picks the distinct ip and ipv6 observables of list, in order.
// Other types are skipped silently, as SecureX expects. A value that is not
// an address of its type becomes a warning on c and is skipped.
func Addresses(c *Call, list []Observable) ([]Address, error) {
	seen := map[netip.Addr]bool{}
	var out []Address
	for _, o := range list {
		if o.Type != "ip" && o.Type != "ipv6" {
			continue
		}
		addr, ok := parseAddress(o)
		if !ok {
			c.Warn(failure.InvalidArgument, fmt.Sprintf(
				"%s observable %s is not a valid address; skipped",
				o.Type, quoteShort(o.Value)))
			continue
		}
		if !seen[addr] {
			seen[addr] = true
			out = append(out, Address{Observable: o, Addr: addr})
		}
	}
	if len(out) > MaxAddresses {
		return nil, failure.New(failure.InvalidArgument,
			"at most %d distinct ip or ipv6 observables per request, got %d",
			MaxAddresses, len(out))
	}
	return out, nil
}

// parseAddress parses an observable's value as an address of its type.
// Zones are refused; IPv4-mapped IPv6 values are read as IPv4.
func parseAddress(o Observable) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(o.Value)
	if err != nil || addr.Zone() != "" {
		return netip.Addr{}, false
	}
	if o.Type == "ip" {
		return addr.Unmap(), addr.Unmap().Is4()
	}
	if addr.Is4In6() {
		return addr.Unmap(), true
	}
	return addr, addr.Is6()
}
