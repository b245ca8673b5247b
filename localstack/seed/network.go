package seed

import (
	"fmt"
	"math"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"
)

// Peer address pools. They come from the ranges reserved for
// documentation (RFC 5737, RFC 3849), so no record names a real host.
const (
	// UnseenIP is an address that no record carries.
	UnseenIP = "192.0.2.254"

	clientNet    = "198.51.100.0/24" // web clients
	scannerNet   = "192.0.2.0/24"    // scanners, below UnseenIP
	adminNet     = "203.0.113.0/24"  // administrators, allowed to SSH
	ipv6Clients  = "2001:db8:4000::" // IPv6 clients
	ipv6Mirror   = "2001:db8:ffff::443"
	clientCount  = 150
	scannerCount = 60
	adminCount   = 4
	ipv6Count    = 40
)

// endpointInterface is what a record needs to know about the interface it
// is captured on.
type endpointInterface struct {
	ID         string
	InstanceID string
	SubnetID   string
	VPCID      string
	IPv4       string
	IPv6       string
}

// network is the account as the traffic model sees it: the interfaces by
// role and the peers on the internet.
type network struct {
	web, app, appSecond, ipv6, db, nat *endpointInterface
	// natIP is the NAT gateway's private address.
	natIP    string
	resolver string
	// dbStoppedAt ends the database's traffic, in Unix seconds.
	dbStoppedAt int64

	clients     []string
	clientCDF   []float64
	scanners    []scanner
	admins      []string
	updateHosts []string
	ipv6Peers   []string
}

// scanner is an internet host probing the web server, active on some days.
type scanner struct {
	addr string
	// days lists the indexes of the days it is active; nil means every day.
	days []int
}

// interfaces returns every interface, in a stable order.
func (n *network) interfaces() []*endpointInterface {
	return []*endpointInterface{n.web, n.app, n.appSecond, n.ipv6, n.db, n.nat}
}

// newNetwork reads the interfaces out of an account and draws the
// internet peers.
func newNetwork(t *Truth, rng *rand.Rand) (*network, error) {
	n := &network{resolver: t.VPC.ResolverIP, natIP: t.NATGateway.PrivateIP}
	for _, role := range []string{RoleWeb, RoleApp, RoleIPv6, RoleDB} {
		inst, ok := t.Instance(role)
		if !ok || len(inst.Interfaces) == 0 {
			return nil, fmt.Errorf("account has no %s instance", role)
		}
		ifaces := interfacesOf(t.VPC.ID, inst)
		switch role {
		case RoleWeb:
			n.web = ifaces[0]
		case RoleApp:
			if len(ifaces) < 2 {
				return nil, fmt.Errorf("app instance %s has one interface", inst.ID)
			}
			n.app, n.appSecond = ifaces[0], ifaces[1]
		case RoleIPv6:
			n.ipv6 = ifaces[0]
		case RoleDB:
			n.db = ifaces[0]
			n.dbStoppedAt = inst.StoppedAt.Unix()
		}
	}
	n.nat = &endpointInterface{
		ID: t.NATGateway.InterfaceID, SubnetID: t.NATGateway.SubnetID,
		VPCID: t.VPC.ID, IPv4: t.NATGateway.PrivateIP,
	}
	n.drawPeers(rng, t.Days)
	return n, nil
}

// interfacesOf returns an instance's interfaces in device order.
func interfacesOf(vpcID string, inst Instance) []*endpointInterface {
	var out []*endpointInterface
	for _, i := range inst.Interfaces {
		out = append(out, &endpointInterface{
			ID: i.ID, InstanceID: inst.ID, SubnetID: i.SubnetID,
			VPCID: vpcID, IPv4: i.PrivateIP, IPv6: i.IPv6,
		})
	}
	return out
}

// drawPeers fills the internet peer pools. Clients are weighted by a Zipf
// law, so the first client is the busy peer. Most scanners are active on
// one day only, which makes lookbacks of different lengths differ.
func (n *network) drawPeers(rng *rand.Rand, days int) {
	n.clients = hostsIn(clientNet, 1, clientCount)
	rng.Shuffle(len(n.clients), func(i, j int) {
		n.clients[i], n.clients[j] = n.clients[j], n.clients[i]
	})
	total := 0.0
	for rank := range n.clients {
		total += 1 / math.Pow(float64(rank+1), 1.1)
		n.clientCDF = append(n.clientCDF, total)
	}

	for _, addr := range hostsIn(scannerNet, 10, scannerCount) {
		s := scanner{addr: addr}
		if rng.IntN(5) > 0 {
			s.days = []int{rng.IntN(days)}
		}
		n.scanners = append(n.scanners, s)
	}
	n.admins = hostsIn(adminNet, 5, adminCount)
	n.updateHosts = hostsIn(adminNet, 100, 8)
	for range ipv6Count {
		n.ipv6Peers = append(n.ipv6Peers, randomIPv6(rng, ipv6Clients))
	}
}

// busyPeer returns the client with the most weight.
func (n *network) busyPeer() string { return n.clients[0] }

// client draws a web client by weight.
func (n *network) client(rng *rand.Rand) string {
	x := rng.Float64() * n.clientCDF[len(n.clientCDF)-1]
	i, _ := slices.BinarySearch(n.clientCDF, x)
	return n.clients[min(i, len(n.clients)-1)]
}

// scannersOn returns the scanners active on day.
func (n *network) scannersOn(day int) []string {
	var out []string
	for _, s := range n.scanners {
		if s.days == nil || slices.Contains(s.days, day) {
			out = append(out, s.addr)
		}
	}
	return out
}

// hostsIn returns count consecutive addresses of an IPv4 prefix starting
// at host number first.
func hostsIn(prefix string, first, count int) []string {
	addr := netip.MustParsePrefix(prefix).Addr()
	for range first {
		addr = addr.Next()
	}
	out := make([]string, 0, count)
	for range count {
		out = append(out, addr.String())
		addr = addr.Next()
	}
	return out
}

// randomIPv6 returns a random address under a /48 given as "x:y:z::".
func randomIPv6(rng *rand.Rand, base string) string {
	b := netip.MustParseAddr(base).As16()
	for i := 6; i < 16; i++ {
		b[i] = byte(rng.UintN(256))
	}
	return netip.AddrFrom16(b).String()
}

// dayBounds returns the [from, to) Unix seconds of day index d, counted
// back from now; day 0 ends at now.
func dayBounds(now time.Time, d int) (int64, int64) {
	to := now.Unix() - int64(d)*secondsPerDay
	return to - secondsPerDay, to
}

// secondsPerDay is the length of one lookback day.
const secondsPerDay = 24 * 60 * 60
