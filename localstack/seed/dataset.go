package seed

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
)

// event is one log event of one stream.
type event struct {
	// timestamp is the record's end, in Unix milliseconds.
	timestamp int64
	message   string
}

// dataset is everything to write into one log group.
type dataset struct {
	group string
	// streams maps a stream name to its events, oldest first.
	streams map[string][]event
}

// fillRecords generates the records of every log group of t for the
// account t describes, fills the groups' counts and the queries, and
// returns the events to write. counts gives each group's number of lines,
// in the order of t.Groups.
func fillRecords(t *Truth, counts []int) ([]dataset, error) {
	rng := rand.New(rand.NewPCG(uint64(t.Seed), 0))
	n, err := newNetwork(t, rng)
	if err != nil {
		return nil, fmt.Errorf("model the account's network: %w", err)
	}
	t.Queries = queriesOf(t, n)
	t.Demo = Demo{
		BusyPrivateIP: n.web.IPv4, ElasticIP: t.instanceElasticIP(),
		IPv6: n.ipv6.IPv6, BusyPeer: n.busyPeer(), UnseenIP: UnseenIP,
	}

	var out []dataset
	for i := range t.Groups {
		g := &t.Groups[i]
		l := layout{fields: g.Fields, version: "5", account: t.AccountID}
		if g.Kind == FormatDefault {
			l.version = "2"
		}
		records := generate(n, t.Seed, uint64(i+1), t.Now, t.Days,
			counts[i], g.AggregationSeconds)
		out = append(out, t.count(g, l, records))
	}
	return out, nil
}

// count tallies one group's records into t and renders its events.
func (t *Truth) count(g *LogGroup, l layout, records []record) dataset {
	var ips []string
	for _, q := range t.Queries {
		ips = append(ips, q.RecordIP)
	}
	slices.Sort(ips)
	tl := newTally(l, t.Now, t.Days, g, slices.Compact(ips))

	data := dataset{group: g.Name, streams: map[string][]event{}}
	for _, r := range records {
		tl.add(r)
		stream := r.iface.ID + "-all"
		data.streams[stream] = append(data.streams[stream],
			event{timestamp: r.end * 1000, message: l.render(r)})
	}
	for _, events := range data.streams {
		slices.SortStableFunc(events, func(a, b event) int {
			return cmp.Compare(a.timestamp, b.timestamp)
		})
	}
	for i := range t.Queries {
		q := &t.Queries[i]
		q.Groups[g.Name] = tl.results(q.RecordIP)
	}
	return data
}

// queriesOf lists the query addresses: every instance's private addresses,
// the Elastic IP, the IPv6 address, the busy internet peer and an address
// no record carries.
func queriesOf(t *Truth, n *network) []Query {
	var qs []Query
	add := func(ip, role, recordIP, instance string) {
		qs = append(qs, Query{IP: ip, Role: role, RecordIP: recordIP,
			InstanceID: instance, Groups: map[string][]IPStats{}})
	}
	for _, inst := range t.Instances {
		add(inst.PrivateIP, inst.Role, inst.PrivateIP, inst.ID)
		for _, i := range inst.Interfaces[1:] {
			add(i.PrivateIP, QuerySecondInterface, i.PrivateIP, inst.ID)
		}
		if inst.ElasticIP != "" {
			add(inst.ElasticIP, QueryElasticIP, inst.PrivateIP, inst.ID)
		}
		if inst.IPv6 != "" {
			add(inst.IPv6, QueryIPv6, inst.IPv6, inst.ID)
		}
	}
	add(n.busyPeer(), QueryBusyPeer, n.busyPeer(), "")
	add(UnseenIP, QueryUnseen, UnseenIP, "")
	return qs
}

// instanceElasticIP returns the Elastic IP of the web server.
func (t *Truth) instanceElasticIP() string {
	web, _ := t.Instance(RoleWeb)
	return web.ElasticIP
}
