package awsacct

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
	"github.com/aws-vpc-flow-relay/relay/pkg/observe"
	"github.com/aws-vpc-flow-relay/relay/pkg/tiles"
)

// Counting flows: the period is cut into windows searched at once, and
// the search stops this long before the deadline to leave time to answer.
const (
	flowWindows = 4
	flowReserve = 2 * time.Second
	// trafficPattern matches the records that carry an action, so that
	// NODATA and SKIPDATA records never travel from CloudWatch Logs.
	trafficPattern = "?ACCEPT ?REJECT"
)

// Counting here moves every record with an action; CountFlowsInsights
// (tiles_insights.go) moves only the totals and is the default. This count
// is the FLOW_TOTALS=records mode, and the one the emulator can check.

// FlowCount is what counting a period's flows found.
type FlowCount struct {
	Totals tiles.FlowTotals
	// WindowsDone of Windows were read to the end; fewer means the
	// totals are partial because the deadline came first.
	WindowsDone, Windows int
	Stats                observe.ScanStats
}

// Partial reports whether some windows were not read to the end.
func (c FlowCount) Partial() bool { return c.WindowsDone < c.Windows }

// CountFlows counts the flow log records of logGroup whose events fall in
// w, as directions and actions between internal and external addresses.
// Records are read in the group's flow log formats. Only records with an
// action are transferred. Running out of time returns the partial count
// with no error; any other failure is an error.
func (a *Account) CountFlows(ctx context.Context, logGroup string, w tiles.Window,
	internal tiles.Networks) (FlowCount, error) {
	f := flows{a: a, group: logGroup}
	formats, err := f.Formats(ctx)
	if err != nil {
		return FlowCount{}, fmt.Errorf("read flow log formats of %s: %w", logGroup, err)
	}
	if !slices.ContainsFunc(formats, countable) {
		return FlowCount{}, failure.New(failure.InvalidArgument, "the flow log "+
			"format of %s records no addresses or no action", logGroup)
	}
	scanCtx, cancel := context.WithDeadline(ctx, flowDeadline(ctx))
	defer cancel()

	windows := observe.Window{From: w.From, To: w.To}.Split(flowWindows)
	counts := make([]FlowCount, len(windows))
	errs := make([]error, len(windows))
	var wg sync.WaitGroup
	for i, win := range windows {
		wg.Add(1)
		go func() {
			defer wg.Done()
			counts[i], errs[i] = f.countWindow(scanCtx, win, formats, internal)
		}()
	}
	wg.Wait()
	return sumCounts(ctx, counts, errs)
}

// sumCounts adds the windows' counts. A window that ran out of time while
// the caller's context is alive leaves a partial count; any other error
// fails the count.
func sumCounts(ctx context.Context, counts []FlowCount, errs []error) (FlowCount, error) {
	var sum FlowCount
	for i, c := range counts {
		err := errs[i]
		timedOut := errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil
		if err != nil && !timedOut {
			return FlowCount{}, err
		}
		sum.Totals.Add(c.Totals)
		sum.Stats.Requests += c.Stats.Requests
		sum.Stats.Events += c.Stats.Events
		sum.Windows++
		if err == nil {
			sum.WindowsDone++
		}
	}
	return sum, nil
}

// countWindow counts the records of one window.
func (f flows) countWindow(ctx context.Context, w observe.Window,
	formats []flowlog.Format, internal tiles.Networks) (FlowCount, error) {
	var c FlowCount
	var rec flowlog.Record
	visit := func(_ int64, msg []byte) error {
		if err := flowlog.ParseAny(formats, bytes.TrimSpace(msg), &rec); err != nil {
			c.Totals.Malformed++
			return nil
		}
		c.Totals.Count(&rec, internal)
		return nil
	}
	err := f.pass(ctx, w, trafficPattern, visit, &c.Stats)
	if err != nil {
		return c, fmt.Errorf("count flows of %s from %s to %s: %w", f.group,
			w.From.UTC().Format(time.RFC3339), w.To.UTC().Format(time.RFC3339), err)
	}
	return c, nil
}

// countable reports whether records of format f can be counted: they
// name both ends and the action.
func countable(f flowlog.Format) bool {
	return f.HasAddresses() && f.Has(flowlog.FieldAction)
}

// flowDeadline is when counting must stop: the context's deadline less a
// reserve, or 25 seconds from now without one.
func flowDeadline(ctx context.Context) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d.Add(-flowReserve)
	}
	return time.Now().Add(25 * time.Second)
}
