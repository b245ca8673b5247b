package observe

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/console"
	"github.com/aws-vpc-flow-relay/relay/pkg/ctim"
	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
)

// Fixed values of every sighting the relay emits.
const (
	SourceName = "AWS VPC Flow"
	origin     = "AWS VPC Flow Logs"
	sensor     = "network.sensor"
	// TLP is amber: flow records describe an organisation's own network
	// and are not for sharing beyond it.
	tlp = "amber"
)

// builder turns groups into sightings for one request.
type builder struct {
	req      Request
	subjects []Subject
	internal func(netip.Addr) bool
}

// sighting builds the CTIM sighting of one group.
func (b builder) sighting(g *Group) ctim.Sighting {
	s := b.subjects[g.Subject]
	peer := observableOf(g.Peer)
	first, last := time.Unix(g.First, 0), time.Unix(g.Last, 0)

	doc := ctim.NewSighting()
	doc.ExternalIDs = []string{b.externalID(s, g)}
	doc.Source = SourceName
	doc.SourceURI = console.LogEvents(b.req.Region, b.req.LogGroup,
		s.SearchAs[0].String())
	doc.Title = title(s, g)
	doc.Description = description(s, g, b.req.LogGroup)
	doc.Confidence, doc.Severity, doc.TLP = "High", "Unknown", tlp
	doc.Count = int(g.Records)
	doc.ObservedTime = ctim.ObservedBetween(first, last)
	doc.Timestamp = ctim.TimeOf(b.req.Now)
	doc.Internal = (s.Instance != nil || b.internal(s.SearchAs[0])) &&
		b.internal(g.Peer)
	doc.Resolution = resolution(g.Action)
	doc.Sensor = sensor
	doc.Observables = []ctim.Observable{s.Observable}
	doc.Relations = b.relations(s, g, peer)
	doc.Targets = targets(s, first, last)
	doc.Data = table(g)
	return doc
}

// externalID is stable for the same content: the same log group, subject,
// peer, direction, action, period and count give the same id.
func (b builder) externalID(s Subject, g *Group) string {
	return ctim.ExternalID("aws-vpc-flow-sighting", b.req.LogGroup,
		s.Observable.Type, s.Observable.Value, g.Peer.String(),
		g.Direction.String(), g.Action.String(),
		strconv.FormatInt(g.First, 10), strconv.FormatInt(g.Last, 10),
		strconv.FormatInt(g.Records, 10))
}

// relations states the connection, and for a public address the private
// address AWS translated it to.
func (b builder) relations(s Subject, g *Group, peer ctim.Observable) []ctim.ObservedRelation {
	name := "Connected_To"
	if g.Direction == Inbound {
		name = "Connected_From"
	}
	out := []ctim.ObservedRelation{{
		Origin: origin, Relation: name, Source: s.Observable, Related: peer,
		RelationInfo: relationInfo(g),
	}}
	if s.Private.IsValid() {
		out = append(out, ctim.ObservedRelation{
			Origin: origin, Relation: "Related_To", Source: s.Observable,
			Related:      observableOf(s.Private),
			RelationInfo: map[string]any{"mapping": s.mapping()},
		})
	}
	return out
}

// relationInfo holds the numbers of a connection.
func relationInfo(g *Group) map[string]any {
	ports := make([]int32, 0, len(g.Ports))
	protocols := []string{}
	for _, p := range g.Ports {
		if p.Port >= 0 && !slices.Contains(ports, p.Port) {
			ports = append(ports, p.Port)
		}
		if name := protocolName(p.Protocol); !slices.Contains(protocols, name) {
			protocols = append(protocols, name)
		}
	}
	return map[string]any{
		"direction": g.Direction.String(), "action": g.Action.String(),
		"ports": ports, "protocols": protocols, "flows": g.Records,
		"packets": g.Packets, "bytes": g.Bytes, "interfaces": g.Interfaces,
	}
}

// targets names the EC2 instance holding the subject, if any.
func targets(s Subject, first, last time.Time) []ctim.Target {
	in := s.Instance
	if in == nil {
		return nil
	}
	var obs []ctim.Observable
	for _, a := range in.PrivateIPs {
		obs = append(obs, observableOf(a))
	}
	for _, p := range in.PublicIPs {
		obs = append(obs, observableOf(p.Public))
	}
	for _, a := range in.IPv6s {
		obs = append(obs, observableOf(a))
	}
	if in.PrivateDNSName != "" {
		obs = append(obs, ctim.Observable{Type: "hostname", Value: in.PrivateDNSName})
	}
	obs = append(obs, ctim.Observable{Type: "device", Value: in.ID})
	return []ctim.Target{{Type: "endpoint", Observables: obs,
		ObservedTime: ctim.ObservedBetween(first, last)}}
}

// table lists a group's traffic per protocol and service port.
func table(g *Group) *ctim.DataTable {
	t := &ctim.DataTable{Columns: []ctim.Column{
		{Name: "protocol", Type: "string"}, {Name: "port", Type: "integer"},
		{Name: "flows", Type: "integer"}, {Name: "packets", Type: "integer"},
		{Name: "bytes", Type: "integer"}, {Name: "first_seen", Type: "string"},
		{Name: "last_seen", Type: "string"},
	}}
	for _, p := range g.Ports {
		t.Rows = append(t.Rows, []any{protocolName(p.Protocol), max(p.Port, 0),
			p.Records, p.Packets, p.Bytes, ctim.TimeOf(time.Unix(p.First, 0)).String(),
			ctim.TimeOf(time.Unix(p.Last, 0)).String()})
	}
	t.RowCount = len(t.Rows)
	return t
}

// title says in one line who talked to whom.
func title(s Subject, g *Group) string {
	verb := "connected to"
	if g.Direction == Inbound {
		verb = "received traffic from"
	}
	t := fmt.Sprintf("%s %s %s", s.Observable.Value, verb, g.Peer)
	if g.Action == flowlog.ActionReject {
		t += " (blocked)"
	}
	return t + " in VPC Flow Logs"
}

// description summarises a group in markdown.
func description(s Subject, g *Group, logGroup string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s flow records (%s) between %s and %s in log group `%s`.",
		g.Records, g.Direction, strings.ToLower(g.Action.String()),
		s.Observable.Value, g.Peer, logGroup)
	if in := s.Instance; in != nil {
		fmt.Fprintf(&b, " %s is held by EC2 instance %s.", s.Observable.Value, in.label())
	}
	if g.OtherPortRecords > 0 {
		fmt.Fprintf(&b, " %d records on further ports are counted but not listed.",
			g.OtherPortRecords)
	}
	return b.String()
}

// label names an instance by its Name tag and id.
func (in *Instance) label() string {
	if in.Name == "" {
		return in.ID
	}
	return fmt.Sprintf("%s (%s)", in.Name, in.ID)
}

// resolution maps an action to CTIM's resolution; empty when the format
// has no action field.
func resolution(a flowlog.Action) string {
	switch a {
	case flowlog.ActionAccept:
		return "allowed"
	case flowlog.ActionReject:
		return "blocked"
	}
	return ""
}

// observableOf returns the ip or ipv6 observable of an address.
func observableOf(a netip.Addr) ctim.Observable {
	if a.Is4() {
		return ctim.Observable{Type: "ip", Value: a.String()}
	}
	return ctim.Observable{Type: "ipv6", Value: a.String()}
}

// protocolName names the common IANA protocol numbers.
func protocolName(p int32) string {
	switch p {
	case 1:
		return "ICMP"
	case 6:
		return "TCP"
	case 17:
		return "UDP"
	case 58:
		return "ICMPv6"
	case -1:
		return "unknown"
	}
	return strconv.Itoa(int(p))
}
