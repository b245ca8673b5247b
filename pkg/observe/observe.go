package observe

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/ctim"
	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
)

// Defaults of a Request's tuning fields.
const (
	// DefaultParallel is how many windows are searched at once.
	DefaultParallel = 4
	// DefaultMaxGroups bounds the groups kept while searching, and so the
	// memory a search needs, whatever the size of the log group.
	DefaultMaxGroups = 10000
	// MaxSightings is the most sightings one answer carries, so that it
	// fits the 6 MB response limit of Lambda.
	MaxSightings = 1000
	// reserve is the time kept back from the deadline to build the answer.
	reserve = 2 * time.Second
	// defaultBudget bounds a search whose context has no deadline.
	defaultBudget = 25 * time.Second
)

// Limits caps the sightings of one subject; zero means no cap. The newest
// sightings are kept.
type Limits struct {
	Total, Ingress, Egress int
}

// Request is one observe question.
type Request struct {
	// Subjects are the addresses asked about, as ip or ipv6 observables.
	Subjects []ctim.Observable
	// Now is the end of the lookback; Lookback its length.
	Now      time.Time
	Lookback time.Duration
	Limits   Limits
	// HideBlocked drops sightings of rejected traffic.
	HideBlocked bool
	// Networks, when set, are the internal ranges; otherwise the
	// inventory's VPC and subnet ranges are.
	Networks []netip.Prefix
	// Region and LogGroup name where the records live, for links.
	Region, LogGroup string
	// Parallel and MaxGroups tune the search; zero means the defaults.
	Parallel, MaxGroups int
}

// Subject is one address asked about, with what the inventory knows.
type Subject struct {
	Observable ctim.Observable
	Addr       netip.Addr
	// Instance is the EC2 instance holding the address, if any.
	Instance *Instance
	// Private is the private address a public address translates to.
	Private netip.Addr
	elastic bool
	// SearchAs lists the addresses the subject appears as in flow log
	// records: its private address first when it has one.
	SearchAs []netip.Addr
}

// mapping names how a public subject maps to its private address.
func (s Subject) mapping() string {
	if s.elastic {
		return "Elastic IP of " + s.Instance.label()
	}
	return "public IP of " + s.Instance.label()
}

// Result is the answer to a Request.
type Result struct {
	Sightings []ctim.Sighting
	// Warnings say why the answer may be incomplete because of the source:
	// the search ran out of time, or records did not fit the format.
	Warnings []string
	// Truncations say which subjects' answers the relay's own bounds cut:
	// groups dropped to bound memory, sightings past the per-answer cap.
	Truncations []string
	Counts      ScanCounts
	// Evicted counts groups dropped to bound memory; Omitted counts
	// sightings cut by the limits.
	Evicted, Omitted int64
}

// Run answers req from inv and src.
func Run(ctx context.Context, inv Inventory, src FlowSource, req Request) (Result, error) {
	subjects, err := resolve(ctx, inv, req.Subjects)
	if err != nil {
		return Result{}, err
	}
	internal, err := internalTest(ctx, inv, req.Networks)
	if err != nil {
		return Result{}, err
	}
	formats, err := src.Formats(ctx)
	if err != nil {
		return Result{}, fmt.Errorf("read flow log formats of %s: %w", req.LogGroup, err)
	}
	if !slices.ContainsFunc(formats, flowlog.Format.HasAddresses) {
		return Result{}, failure.New(failure.InvalidArgument,
			"the flow log format of %s records no addresses", req.LogGroup)
	}

	selected := make([]flowlog.Format, len(formats))
	for i, f := range formats {
		selected[i] = f.Select(recordFields...)
	}
	var res Result
	agg, err := search(ctx, src, selected, subjects, req, &res)
	if err != nil {
		return Result{}, err
	}
	b := builder{req: req, subjects: subjects, internal: internal}
	res.Sightings = b.pick(agg, &res)
	return res, nil
}

// recordFields are the fields a search reads and checks: the flow itself
// (addresses, ports, protocol), its counters, times, action and status.
// Parsing steps over the values of the others, such as the VPC, subnet or
// region, unchecked, which makes wide custom formats faster to read. A
// record whose flow fields do not fit is still skipped as malformed.
var recordFields = []flowlog.Field{flowlog.FieldInterfaceID,
	flowlog.FieldSrcAddr, flowlog.FieldDstAddr, flowlog.FieldPktSrcAddr,
	flowlog.FieldPktDstAddr, flowlog.FieldSrcPort, flowlog.FieldDstPort,
	flowlog.FieldProtocol,
	flowlog.FieldPackets, flowlog.FieldBytes, flowlog.FieldStart,
	flowlog.FieldEnd, flowlog.FieldAction, flowlog.FieldLogStatus}

// search scans the lookback within the context's time and records in res
// what was read. Running out of time is a warning with partial results;
// any other failure is an error.
func search(ctx context.Context, src FlowSource, formats []flowlog.Format,
	subjects []Subject, req Request, res *Result) (*aggregator, error) {
	scanCtx, cancel := context.WithDeadline(ctx, deadline(ctx, req.Now))
	defer cancel()

	windows := Window{From: req.Now.Add(-req.Lookback), To: req.Now}.Split(
		orDefault(req.Parallel, DefaultParallel))
	agg, counts, err := scanAll(scanCtx, src, formats, newMatcher(subjects),
		windows, orDefault(req.MaxGroups, DefaultMaxGroups))
	res.Counts = counts
	if err != nil && !timedOut(ctx, scanCtx, err) {
		return nil, err
	}
	if err != nil {
		res.Warnings = append(res.Warnings, fmt.Sprintf(
			"the flow log search ran out of time after %d of %d windows; "+
				"the sightings are partial", counts.WindowsDone, counts.Windows))
	}
	if counts.Malformed > 0 && counts.Malformed*10 >= int64(counts.Events) {
		res.Warnings = append(res.Warnings, fmt.Sprintf("%d of %d flow log "+
			"records did not fit the log group's flow log format and were "+
			"skipped", counts.Malformed, counts.Events))
	}
	for i, s := range subjects {
		if n := agg.evicted[int32(i)]; n > 0 {
			res.Evicted += n
			res.Truncations = append(res.Truncations, fmt.Sprintf("%s: %d older "+
				"peer groups were dropped to bound memory; the newest are shown",
				s.Observable.Value, n))
		}
	}
	return agg, nil
}

// deadline is when the search must stop: the context's deadline less a
// reserve for building the answer, or a default budget from now.
func deadline(ctx context.Context, now time.Time) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d.Add(-reserve)
	}
	return time.Now().Add(defaultBudget)
}

// timedOut reports whether err is the search's own deadline passing while
// the caller's context is still alive.
func timedOut(parent, scan context.Context, err error) bool {
	return parent.Err() == nil && scan.Err() != nil &&
		errors.Is(err, context.DeadlineExceeded)
}

// pick builds the sightings of every subject within the limits, newest
// first. The answer's MaxSightings are shared evenly between the
// subjects, so that a busy address cannot crowd out a quiet one.
func (b builder) pick(agg *aggregator, res *Result) []ctim.Sighting {
	var kept []*Group
	for _, g := range agg.sorted() {
		if b.req.HideBlocked && g.Action == flowlog.ActionReject {
			continue
		}
		kept = append(kept, g)
	}
	share := max(1, MaxSightings/max(1, len(b.subjects)))
	var out []ctim.Sighting
	for i, s := range b.subjects {
		groups := limit(kept, i, b.req.Limits, res)
		if len(groups) > share {
			res.Omitted += int64(len(groups) - share)
			res.Truncations = append(res.Truncations, fmt.Sprintf("%s: %d "+
				"sightings past the newest %d are not shown", s.Observable.Value,
				len(groups)-share, share))
			groups = groups[:share]
		}
		for _, g := range groups {
			out = append(out, b.sighting(g))
		}
	}
	return out
}

// limit returns the groups of one subject within the limits, newest first.
func limit(sorted []*Group, subject int, l Limits, res *Result) []*Group {
	var out []*Group
	var in, eg int
	for _, g := range sorted {
		if g.Subject != subject {
			continue
		}
		switch {
		case l.Total > 0 && len(out) >= l.Total,
			g.Direction == Inbound && l.Ingress > 0 && in >= l.Ingress,
			g.Direction == Outbound && l.Egress > 0 && eg >= l.Egress:
			res.Omitted++
			continue
		}
		if g.Direction == Inbound {
			in++
		} else {
			eg++
		}
		out = append(out, g)
	}
	return out
}

// orDefault returns v, or def when v is not positive.
func orDefault(v, def int) int {
	if v > 0 {
		return v
	}
	return def
}

// internalTest returns a function saying whether an address is internal:
// inside the configured networks, else inside the account's VPCs.
func internalTest(ctx context.Context, inv Inventory,
	networks []netip.Prefix) (func(netip.Addr) bool, error) {
	if len(networks) == 0 {
		var err error
		networks, err = inv.Networks(ctx)
		if err != nil {
			return nil, fmt.Errorf("list VPC and subnet ranges: %w", err)
		}
	}
	return func(a netip.Addr) bool {
		return slices.ContainsFunc(networks, func(p netip.Prefix) bool {
			return p.Contains(a)
		})
	}, nil
}
