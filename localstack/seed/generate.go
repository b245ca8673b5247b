package seed

import (
	"math/rand/v2"
	"time"
)

// BoundaryGap is how far every record stays from each day boundary of the
// seeded period (now, now-24h, now-48h, ...). A relay that computes its
// lookback within BoundaryGap of the seeding time sees whole days of the
// Truth, whatever its exact clock.
const BoundaryGap = 30 * time.Minute

// generator produces the records of one log group.
type generator struct {
	rng *rand.Rand
	net *network
	// interval is the aggregation interval in seconds.
	interval int64
	now      time.Time
	days     int
	// budget is how many flow records remain to be generated.
	budget int
	out    []record
}

// side is one end of a connection: an address and port, and the interface
// it is captured on when it lies in the VPC.
type side struct {
	addr  string
	port  int
	iface *endpointInterface
}

// conn is one connection, captured in one or more aggregation windows.
type conn struct {
	client, server side
	protocol       int
	// windows is the number of aggregation windows it spans.
	windows int
	// rejected means the server's security group drops the request, so
	// the server's interface records a REJECT and nothing answers.
	rejected bool
	// nat is the NAT gateway interface the connection passes, if any.
	nat *endpointInterface
	// until, when not zero, is when an instance of the connection stops:
	// the connection ends before it, in Unix seconds.
	until int64
	// Packets per window and bytes per packet, each drawn from [lo, hi].
	reqPackets, respPackets [2]int
	reqSize, respSize       [2]int
}

// generate returns count lines for one log group: flow records from the
// traffic model, NODATA and SKIPDATA lines, and a few malformed lines.
func generate(
	n *network,
	seed int64,
	salt uint64,
	now time.Time,
	days, count, interval int,
) []record {
	g := &generator{
		rng:      rand.New(rand.NewPCG(uint64(seed), salt)),
		net:      n,
		interval: int64(interval),
		now:      now,
		days:     days,
	}
	noData, skipData, malformed := specialCounts(count)
	g.budget = count - noData - skipData - malformed

	scenarios := g.scenarios()
	for g.budget > 0 {
		g.pick(scenarios)()
	}
	for range noData {
		g.status(statusNoData)
	}
	for range skipData {
		g.status(statusSkipData)
	}
	g.spoil(malformed)
	return g.out
}

// specialCounts returns how many NODATA, SKIPDATA and malformed lines a
// group of count lines gets: a few per thousand, and at least one each.
func specialCounts(count int) (noData, skipData, malformed int) {
	return max(1, count*4/1000), max(1, count/1000), min(malformedKinds, count/20)
}

// weighted is a scenario with its share of the connections.
type weighted struct {
	weight int
	emit   func()
}

// scenarios returns the traffic model: what happens, and how often.
func (g *generator) scenarios() []weighted {
	return []weighted{
		{300, g.webClient},
		{120, g.scan},
		{15, g.adminSSH},
		{25, g.ping},
		{120, g.eastWest},
		{30, g.monitoring},
		{60, g.database},
		{8, g.databaseRejected},
		{140, g.dns},
		{70, g.ipv6Client},
		{10, g.ipv6Update},
		{25, g.natUpdate},
		{25, g.webUpdate},
	}
}

// pick draws a scenario by weight.
func (g *generator) pick(list []weighted) func() {
	total := 0
	for _, w := range list {
		total += w.weight
	}
	x := g.rng.IntN(total)
	for _, w := range list {
		if x < w.weight {
			return w.emit
		}
		x -= w.weight
	}
	return list[len(list)-1].emit
}

// between returns a random integer in [lo, hi].
func (g *generator) between(lo, hi int) int {
	return lo + g.rng.IntN(hi-lo+1)
}

// ephemeral returns a client port from the Linux ephemeral range.
func (g *generator) ephemeral() int { return g.between(32768, 60999) }

// day returns a random day index of the seeded period.
func (g *generator) day() int { return g.rng.IntN(g.days) }

// startIn returns a start time on day d that leaves room for windows
// aggregation windows before the day's closing gap and before until (when
// not zero), or false when there is no room. Daytime hours (UTC) are
// busier than the night.
func (g *generator) startIn(d, windows int, until int64) (int64, bool) {
	from, to := dayBounds(g.now, d)
	if until != 0 {
		to = min(to, until)
	}
	gap := int64(BoundaryGap / time.Second)
	first, last := from+gap, to-gap-int64(windows)*g.interval
	if last <= first {
		return 0, false
	}
	for {
		t := first + g.rng.Int64N(last-first)
		hour := (t % secondsPerDay) / 3600
		if hour >= 7 && hour < 21 || g.rng.IntN(3) == 0 {
			return t, true
		}
	}
}

// connect emits the records of c, starting on day d.
func (g *generator) connect(c conn, d int) {
	if c.rejected {
		c.windows = 1
	}
	t, ok := g.startIn(d, c.windows, c.until)
	if !ok {
		return
	}
	for w := range c.windows {
		start := t + int64(w)*g.interval
		end := start + int64(g.between(int(g.interval)/4, int(g.interval))) - 1
		reqFlags, respFlags := tcpFlags(w, c.windows)
		g.window(c, start, end, reqFlags, respFlags)
	}
}

// tcpFlags returns the flags of the request and response records of
// window w of n: SYN and SYN-ACK first, FIN last, both in one window.
func tcpFlags(w, n int) (request, response int) {
	const fin, syn, ack = 1, 2, 16
	switch {
	case n == 1:
		return syn | fin, syn | ack | fin
	case w == 0:
		return syn, syn | ack
	case w == n-1:
		return fin, fin
	}
	return 0, 0
}
