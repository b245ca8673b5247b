package seed

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"time"
)

// Truth is what Run built and wrote, in a form tests compare against. It
// marshals to JSON and back without loss.
type Truth struct {
	// Prefix is the name prefix of everything Run created.
	Prefix string `json:"prefix"`
	// Region and AccountID name the account.
	Region    string `json:"region"`
	AccountID string `json:"account_id"`
	// Now is the end of the seeded period; Days is its length.
	Now  time.Time `json:"now"`
	Days int       `json:"days"`
	// Seed is the random seed the records were generated with.
	Seed int64 `json:"seed"`

	VPC            VPC             `json:"vpc"`
	Subnets        []Subnet        `json:"subnets"`
	SecurityGroups []SecurityGroup `json:"security_groups"`
	Instances      []Instance      `json:"instances"`
	NATGateway     NATGateway      `json:"nat_gateway"`
	// FlowLogRoleARN is the IAM role the flow logs deliver with.
	FlowLogRoleARN string `json:"flow_log_role_arn"`

	// Groups holds the custom-format log group first, then the default one.
	Groups []LogGroup `json:"log_groups"`
	// Queries holds the statistics of every query address.
	Queries []Query `json:"queries"`
	// Demo names addresses worth showing in a demonstration.
	Demo Demo `json:"demo"`
}

// VPC describes the seeded VPC.
type VPC struct {
	ID                string `json:"id"`
	CIDR              string `json:"cidr"`
	IPv6CIDR          string `json:"ipv6_cidr"`
	InternetGatewayID string `json:"internet_gateway_id"`
	// ResolverIP is the Amazon DNS server at the base of the CIDR plus two.
	ResolverIP string `json:"resolver_ip"`
}

// Subnet describes one seeded subnet.
type Subnet struct {
	ID               string `json:"id"`
	Name             string `json:"name"`
	CIDR             string `json:"cidr"`
	IPv6CIDR         string `json:"ipv6_cidr"`
	AvailabilityZone string `json:"availability_zone"`
	// Public reports whether the subnet routes to the internet gateway.
	Public bool `json:"public"`
}

// SecurityGroup describes one seeded security group.
type SecurityGroup struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Role is web, ssh or db.
	Role string `json:"role"`
}

// Instance roles, as Instance.Role holds them.
const (
	RoleWeb  = "web" // public web server behind the Elastic IP
	RoleApp  = "app" // application server with two network interfaces
	RoleIPv6 = "api" // API server reached over IPv6
	RoleDB   = "db"  // database server, stopped
)

// Instance describes one seeded EC2 instance.
type Instance struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Role is one of RoleWeb, RoleApp, RoleIPv6 and RoleDB.
	Role string `json:"role"`
	// State is running or stopped.
	State string `json:"state"`
	// PrivateIP is the primary private address of the primary interface.
	PrivateIP string `json:"private_ip"`
	// ElasticIP and AllocationID are set for the instance behind one.
	ElasticIP    string `json:"elastic_ip,omitempty"`
	AllocationID string `json:"allocation_id,omitempty"`
	// IPv6 is the instance's IPv6 address, in canonical form, if any.
	IPv6 string `json:"ipv6,omitempty"`
	// Interfaces lists the network interfaces by device index.
	Interfaces     []Interface `json:"interfaces"`
	SecurityGroups []string    `json:"security_groups"`
	// StoppedAt is when the instance's traffic ends, for a stopped one.
	StoppedAt time.Time `json:"stopped_at,omitzero"`
}

// Interface describes one network interface.
type Interface struct {
	ID          string `json:"id"`
	SubnetID    string `json:"subnet_id"`
	PrivateIP   string `json:"private_ip"`
	IPv6        string `json:"ipv6,omitempty"`
	DeviceIndex int    `json:"device_index"`
}

// NATGateway describes the NAT gateway of the public subnet. Its addresses
// are the ones EC2 reports, which moto picks outside the subnet.
type NATGateway struct {
	ID          string `json:"id"`
	SubnetID    string `json:"subnet_id"`
	InterfaceID string `json:"interface_id"`
	PrivateIP   string `json:"private_ip"`
	PublicIP    string `json:"public_ip"`
}

// Demo names a few addresses worth asking the relay about.
type Demo struct {
	// BusyPrivateIP is the private address with the most records.
	BusyPrivateIP string `json:"busy_private_ip"`
	// ElasticIP is the public address of the web server.
	ElasticIP string `json:"elastic_ip"`
	// IPv6 is the IPv6 instance's address.
	IPv6 string `json:"ipv6"`
	// BusyPeer is the internet client with the most records.
	BusyPeer string `json:"busy_peer"`
	// UnseenIP appears in no record.
	UnseenIP string `json:"unseen_ip"`
}

// Query returns the statistics kept for ip. Addresses compare parsed, so
// any spelling of an IPv6 address finds its entry.
func (t *Truth) Query(ip string) (Query, bool) {
	want, err := netip.ParseAddr(ip)
	if err != nil {
		return Query{}, false
	}
	for _, q := range t.Queries {
		if got, err := netip.ParseAddr(q.IP); err == nil && got == want {
			return q, true
		}
	}
	return Query{}, false
}

// Instance returns the instance with the given role.
func (t *Truth) Instance(role string) (Instance, bool) {
	for _, inst := range t.Instances {
		if inst.Role == role {
			return inst, true
		}
	}
	return Instance{}, false
}

// CustomGroup returns the log group written in the custom format.
func (t *Truth) CustomGroup() LogGroup { return t.group(FormatCustom) }

// DefaultGroup returns the log group written in the default format.
func (t *Truth) DefaultGroup() LogGroup { return t.group(FormatDefault) }

// group returns the log group of the given kind.
func (t *Truth) group(kind string) LogGroup {
	for _, g := range t.Groups {
		if g.Kind == kind {
			return g
		}
	}
	return LogGroup{}
}

// WriteFile writes the truth as compact JSON: indenting would triple the
// size, most of it the port sets of busy addresses.
func (t *Truth) WriteFile(path string) error {
	data, err := json.Marshal(t)
	if err != nil {
		return fmt.Errorf("marshal truth: %w", err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("write truth to %s: %w", path, err)
	}
	return nil
}

// ReadTruth reads a truth file that WriteFile wrote.
func ReadTruth(path string) (*Truth, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read truth: %w", err)
	}
	var t Truth
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, fmt.Errorf("parse truth %s: %w", path, err)
	}
	return &t, nil
}
