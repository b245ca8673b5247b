package observe

import (
	"context"
	"net/netip"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
)

// Instance is an EC2 instance as observe reports it.
type Instance struct {
	ID             string
	Name           string
	State          string
	VPCID          string
	PrivateDNSName string
	// PrivateIPs holds every private IPv4 address of every interface.
	PrivateIPs []netip.Addr
	// PublicIPs holds the public and Elastic IP addresses, each mapped to
	// the private address it is associated with.
	PublicIPs []PublicIP
	// IPv6s holds every IPv6 address of every interface.
	IPv6s []netip.Addr
}

// PublicIP is a public or Elastic IP address and the private address that
// AWS translates it to.
type PublicIP struct {
	Public  netip.Addr
	Private netip.Addr
	Elastic bool
}

// Inventory answers questions about the account's EC2 estate.
type Inventory interface {
	// Holders returns the instance holding each address it knows of, by
	// private, public, Elastic or IPv6 address. Addresses no instance
	// holds are absent from the map.
	Holders(ctx context.Context, addrs []netip.Addr) (map[netip.Addr]Instance, error)
	// Networks returns the CIDR ranges of the account's VPCs and subnets,
	// IPv4 and IPv6.
	Networks(ctx context.Context) ([]netip.Prefix, error)
}

// Window is a half-open time range [From, To) of flow log events.
type Window struct {
	From, To time.Time
}

// Query asks a FlowSource for the events of one window that may involve
// any of Addrs.
type Query struct {
	Addrs  []netip.Addr
	Window Window
}

// FlowSource streams flow log records.
type FlowSource interface {
	// Formats returns the field layouts of the source's records; a record
	// is read in the first layout it fits.
	Formats(ctx context.Context) ([]flowlog.Format, error)
	// Scan calls visit with the timestamp (Unix milliseconds) and message
	// of every event in q's window that may involve one of q's addresses.
	// It may pass events that do not involve them, but must not leave out
	// any that do. Scan stops at the first error visit returns or when ctx
	// ends, returning that error. The message is valid only during the call.
	Scan(ctx context.Context, q Query, visit Visitor) (ScanStats, error)
}

// Visitor receives one flow log event: its timestamp in Unix milliseconds
// and its message.
type Visitor func(timestamp int64, message []byte) error

// ScanStats counts what one Scan transferred.
type ScanStats struct {
	Requests int
	Events   int
}
