package observe

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
)

// ScanCounts tells what a search read and skipped.
type ScanCounts struct {
	ScanStats
	// Matched counts records that involve a subject.
	Matched int64
	// NoData and SkipData count records without traffic or with lost
	// records; Malformed counts lines that do not fit the format.
	NoData, SkipData, Malformed int64
	// WindowsDone counts the windows searched to the end.
	WindowsDone, Windows int
}

// add sums two counts.
func (c *ScanCounts) add(o ScanCounts) {
	c.Requests += o.Requests
	c.Events += o.Events
	c.Matched += o.Matched
	c.NoData += o.NoData
	c.SkipData += o.SkipData
	c.Malformed += o.Malformed
	c.WindowsDone += o.WindowsDone
	c.Windows += o.Windows
}

// Split cuts w into n windows of equal length, newest first, so that the
// newest records are read first when time runs short. The last window
// takes what the division leaves; a window too short to cut, or n below
// 2, comes back whole.
func (w Window) Split(n int) []Window {
	step := w.To.Sub(w.From) / time.Duration(max(n, 1))
	if n < 2 || step <= 0 {
		return []Window{w}
	}
	out := make([]Window, 0, n)
	for i := range n {
		win := Window{From: w.To.Add(-time.Duration(i+1) * step),
			To: w.To.Add(-time.Duration(i) * step)}
		if i == n-1 {
			win.From = w.From
		}
		out = append(out, win)
	}
	return out
}

// scanAll searches the windows in parallel, each into an aggregator of its
// own, and merges them. It returns what it found even when ctx ended
// before every window was done; err then says why.
func scanAll(ctx context.Context, src FlowSource, formats []flowlog.Format,
	m matcher, windows []Window, maxGroups int) (*aggregator, ScanCounts, error) {
	aggs := make([]*aggregator, len(windows))
	counts := make([]ScanCounts, len(windows))
	errs := make([]error, len(windows))
	var wg sync.WaitGroup
	for i, w := range windows {
		wg.Add(1)
		go func() {
			defer wg.Done()
			aggs[i], counts[i], errs[i] = scanWindow(ctx, src, formats, m, w, maxGroups)
		}()
	}
	wg.Wait()

	total := newAggregator(maxGroups, m.subjects)
	var sum ScanCounts
	for i := range windows {
		total.merge(aggs[i])
		sum.add(counts[i])
	}
	return total, sum, firstError(errs)
}

// firstError returns the first error that is not the context ending, so
// that a refusal shared by every window is reported once; failing that,
// the first error.
func firstError(errs []error) error {
	var first error
	for _, err := range errs {
		switch {
		case err == nil:
		case !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled):
			return err
		case first == nil:
			first = err
		}
	}
	return first
}

// scanWindow searches one window, parsing each record into one reused
// Record and folding the matches into a fresh aggregator.
func scanWindow(ctx context.Context, src FlowSource, formats []flowlog.Format,
	m matcher, w Window, maxGroups int) (*aggregator, ScanCounts, error) {
	agg := newAggregator(maxGroups, m.subjects)
	counts := ScanCounts{Windows: 1}
	var rec flowlog.Record
	var hits [2]hit
	visit := func(timestamp int64, message []byte) error {
		if !counts.usable(flowlog.ParseAny(formats, bytes.TrimSpace(message), &rec), &rec) {
			return nil
		}
		n := m.match(&rec, &hits)
		if n == 0 {
			return nil
		}
		counts.Matched++
		first, last := span(&rec, timestamp/1000)
		for _, h := range hits[:n] {
			agg.add(h, &rec, first, last)
		}
		return nil
	}
	stats, err := src.Scan(ctx, Query{Addrs: m.list, Window: w}, visit)
	counts.ScanStats = stats
	if err != nil {
		return agg, counts, fmt.Errorf("search flow logs from %s to %s: %w",
			w.From.UTC().Format(time.RFC3339), w.To.UTC().Format(time.RFC3339), err)
	}
	counts.WindowsDone = 1
	return agg, counts, nil
}

// usable tallies the outcome of parsing one record and reports whether
// the record describes traffic: it parsed and carries no NODATA or
// SKIPDATA status.
func (c *ScanCounts) usable(err error, r *flowlog.Record) bool {
	switch {
	case err != nil:
		c.Malformed++
		return false
	case r.LogStatus == flowlog.StatusNoData:
		c.NoData++
		return false
	case r.LogStatus == flowlog.StatusSkipData:
		c.SkipData++
		return false
	}
	return true
}

// span returns a record's time span in Unix seconds: start to end, either
// standing in for the other when one is absent, and the event's own
// timestamp when both are.
func span(r *flowlog.Record, event int64) (first, last int64) {
	hasStart, hasEnd := r.Has(flowlog.FieldStart), r.Has(flowlog.FieldEnd)
	switch {
	case hasStart && hasEnd:
		return r.Start, max(r.Start, r.End)
	case hasStart:
		return r.Start, r.Start
	case hasEnd:
		return r.End, r.End
	}
	return event, event
}
