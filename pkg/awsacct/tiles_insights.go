package awsacct

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logstypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
	"github.com/aws-vpc-flow-relay/relay/pkg/tiles"
)

// Logs Insights: the longest query text it accepts, and how often a
// running query is asked for its results (the wait doubles from the
// first delay up to the longest).
const (
	maxQueryLength = 10000
	firstPollDelay = 250 * time.Millisecond
	maxPollDelay   = 2 * time.Second
)

// insightsNames names the values a flow count needs, as the parse
// command of a query calls them. Insights field names cannot hold '-'.
var insightsNames = map[flowlog.Field]string{
	flowlog.FieldSrcAddr:    "flowSrc",
	flowlog.FieldDstAddr:    "flowDst",
	flowlog.FieldPktSrcAddr: "flowPktSrc",
	flowlog.FieldPktDstAddr: "flowPktDst",
	flowlog.FieldAction:     "flowAction",
	flowlog.FieldLogStatus:  "flowStatus",
}

// TODO: these queries have run only against a stand-in playing the
// CloudWatch Logs protocol with scripted answers: moto ignores parse,
// filter and stats. Whether CloudWatch accepts them and counts what
// CountFlows counts (isIpInSubnet on "-", IPv6 ranges) is unchecked; run
// both modes over one period of a real account and compare the totals.

// countedName is the name of the count in a query's result rows.
const countedName = "flows"

// InsightsCount is what counting a period's flows with Logs Insights
// found. Only the four rings of Totals are set.
type InsightsCount struct {
	Totals tiles.FlowTotals
	// Queries is how many queries ran; the other fields sum their
	// statistics. Insights bills by BytesScanned.
	Queries                                      int
	RecordsScanned, RecordsMatched, BytesScanned float64
}

// CountFlowsInsights counts the flows of logGroup in w with two Logs
// Insights queries, ingress and egress, so that only their totals leave
// CloudWatch. The queries read records in the group's flow log format
// and run together; a query still running at the context's deadline
// less a reserve is stopped, and the count fails with an Upstream error
// saying so. Groups whose formats place the counted fields differently,
// and internal ranges too many for one query, are InvalidArgument. No
// internal range at all counts no flow, without any query.
func (a *Account) CountFlowsInsights(ctx context.Context, logGroup string,
	w tiles.Window, internal tiles.Networks) (InsightsCount, error) {
	f := flows{a: a, group: logGroup}
	formats, err := f.Formats(ctx)
	if err != nil {
		return InsightsCount{}, fmt.Errorf("read flow log formats of %s: %w",
			logGroup, err)
	}
	q, err := flowQueries(logGroup, formats, internal)
	if err != nil || q == nil {
		return InsightsCount{}, err
	}

	pollCtx, cancel := context.WithDeadline(ctx, flowDeadline(ctx))
	defer cancel()
	results, err := f.runQueries(pollCtx, w, q)
	if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
		return InsightsCount{}, failure.Wrap(err, failure.Upstream, "the Logs "+
			"Insights count of %s did not finish within the request's time and "+
			"was stopped; ask again later or choose a shorter period", logGroup)
	}
	if err != nil {
		return InsightsCount{}, err
	}
	return sumResults(logGroup, results)
}

// sumResults reads the ingress and egress results into a count.
func sumResults(group string, results []*cloudwatchlogs.GetQueryResultsOutput) (
	InsightsCount, error) {
	n := InsightsCount{Queries: len(results)}
	for i, out := range results {
		allowed, blocked, err := actionCounts(out.Results)
		if err != nil {
			return InsightsCount{}, failure.Wrap(err, failure.Upstream,
				"Logs Insights answered the flow count of %s in an "+
					"unexpected shape", group)
		}
		if i == 0 {
			n.Totals.IngressAllowed, n.Totals.IngressBlocked = allowed, blocked
		} else {
			n.Totals.EgressAllowed, n.Totals.EgressBlocked = allowed, blocked
		}
		if s := out.Statistics; s != nil {
			n.RecordsScanned += s.RecordsScanned
			n.RecordsMatched += s.RecordsMatched
			n.BytesScanned += s.BytesScanned
		}
	}
	return n, nil
}

// actionCounts reads the rows of stats count(*) by action: one row per
// action seen, none when no flow matched.
func actionCounts(rows [][]logstypes.ResultField) (allowed, blocked int64, err error) {
	for i, row := range rows {
		var action, count string
		for _, field := range row {
			switch aws.ToString(field.Field) {
			case insightsNames[flowlog.FieldAction]:
				action = aws.ToString(field.Value)
			case countedName:
				count = aws.ToString(field.Value)
			}
		}
		n, err := strconv.ParseInt(count, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, fmt.Errorf("read count %q of row %d: not a count", count, i)
		}
		switch action {
		case "ACCEPT":
			allowed += n
		case "REJECT":
			blocked += n
		default:
			return 0, 0, fmt.Errorf("read action %q of row %d: not ACCEPT or REJECT",
				action, i)
		}
	}
	return allowed, blocked, nil
}

// runQueries starts the queries one after the other, so that they run
// together, and waits for all of their results. Any failure stops the
// queries still running.
func (f flows) runQueries(ctx context.Context, w tiles.Window, queries []string) (
	[]*cloudwatchlogs.GetQueryResultsOutput, error) {
	var ids []string
	for _, q := range queries {
		out, err := f.a.Logs.StartQuery(ctx, &cloudwatchlogs.StartQueryInput{
			LogGroupName: aws.String(f.group),
			StartTime:    aws.Int64(w.From.Unix()),
			EndTime:      aws.Int64(w.To.Unix()),
			QueryString:  aws.String(q),
		})
		if err != nil {
			f.stopQueries(ctx, ids, nil)
			return nil, f.refusal(classify(err, "logs:StartQuery"))
		}
		ids = append(ids, aws.ToString(out.QueryId))
	}
	results := make([]*cloudwatchlogs.GetQueryResultsOutput, len(ids))
	if err := f.await(ctx, ids, results); err != nil {
		f.stopQueries(ctx, ids, results)
		return nil, err
	}
	return results, nil
}

// await polls the queries, each until it completes, waiting a little
// longer each round. A query that failed, was cancelled or timed out in
// CloudWatch is an Upstream error.
func (f flows) await(ctx context.Context, ids []string,
	results []*cloudwatchlogs.GetQueryResultsOutput) error {
	delay := firstPollDelay
	for {
		pending := 0
		for i, id := range ids {
			if results[i] != nil {
				continue
			}
			out, err := f.a.Logs.GetQueryResults(ctx,
				&cloudwatchlogs.GetQueryResultsInput{QueryId: aws.String(id)})
			if err != nil {
				return classify(err, "logs:GetQueryResults")
			}
			if out.Status == logstypes.QueryStatusComplete {
				results[i] = out
				continue
			}
			if err := f.unfinished(out.Status); err != nil {
				return err
			}
			pending++
		}
		if pending == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("wait for %d Logs Insights queries on %s: %w",
				pending, f.group, ctx.Err())
		case <-time.After(delay):
		}
		delay = min(2*delay, maxPollDelay)
	}
}

// unfinished returns the error of a query status that will never
// complete, or nil while the query may still complete.
func (f flows) unfinished(status logstypes.QueryStatus) error {
	why := map[logstypes.QueryStatus]string{
		logstypes.QueryStatusFailed:    "failed",
		logstypes.QueryStatusCancelled: "was cancelled",
		logstypes.QueryStatusTimeout: "timed out in CloudWatch, which stops " +
			"queries after 60 minutes",
	}[status]
	if why == "" {
		return nil
	}
	return failure.New(failure.Upstream, "the Logs Insights query counting "+
		"the flows of %s %s; try again, or set FLOW_TOTALS to records", f.group, why)
}

// stopQueries stops the queries that have no results yet. It runs even
// when ctx is done, within the reserve kept before the request's
// deadline, since an abandoned query keeps scanning and billing. Stopping
// is best effort: a query that ends meanwhile cannot be stopped, and an
// error changes nothing for the caller, who fails anyway.
func (f flows) stopQueries(ctx context.Context, ids []string,
	results []*cloudwatchlogs.GetQueryResultsOutput) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), flowReserve)
	defer cancel()
	for i, id := range ids {
		if results != nil && results[i] != nil {
			continue
		}
		_, _ = f.a.Logs.StopQuery(ctx,
			&cloudwatchlogs.StopQueryInput{QueryId: aws.String(id)})
	}
}

// flowQueries returns the ingress and egress queries counting the flows
// of group, whose records come in formats, between internal and external
// addresses. It returns no query when nothing is internal: then no flow
// is ingress or egress.
func flowQueries(group string, formats []flowlog.Format,
	internal tiles.Networks) ([]string, error) {
	f, err := commonLayout(group, formats)
	if err != nil {
		return nil, err
	}
	ranges := mergeRanges(internal)
	if len(ranges) == 0 {
		return nil, nil
	}
	head := parseCommand(f) + "\n| filter " + trafficFilter(f)
	tail := "\n| stats count(*) as " + countedName + " by " +
		insightsNames[flowlog.FieldAction]
	src := inRanges(ranges, present(f, flowlog.FieldSrcAddr, flowlog.FieldPktSrcAddr))
	dst := inRanges(ranges, present(f, flowlog.FieldDstAddr, flowlog.FieldPktDstAddr))
	queries := []string{
		head + "\n| filter not (" + src + ") and (" + dst + ")" + tail,
		head + "\n| filter (" + src + ") and not (" + dst + ")" + tail,
	}
	if n := len(queries[0]); n > maxQueryLength {
		return nil, failure.New(failure.InvalidArgument, "the %d internal ranges "+
			"make a Logs Insights query of %d characters, over its limit of %d; "+
			"set NETWORKS to fewer, wider ranges, or FLOW_TOTALS to records",
			len(ranges), n, maxQueryLength)
	}
	return queries, nil
}

// layout is where a format puts the values a count needs: the position
// of each (-1 when absent) and the number of values in a record.
type layout struct {
	width int
	at    [6]int
}

// countedFields are the fields of a layout, in order.
var countedFields = [6]flowlog.Field{flowlog.FieldSrcAddr, flowlog.FieldDstAddr,
	flowlog.FieldPktSrcAddr, flowlog.FieldPktDstAddr, flowlog.FieldAction,
	flowlog.FieldLogStatus}

// layoutOf returns the layout of f.
func layoutOf(f flowlog.Format) layout {
	l := layout{width: f.Len()}
	fields := f.Fields()
	for i, c := range countedFields {
		l.at[i] = slices.Index(fields, c)
	}
	return l
}

// commonLayout returns the first of formats after checking that it can be
// counted and that every other format has its layout, so that one parse
// pattern reads all of them. One query per format would count a record
// twice when two formats of the same width both fit it.
func commonLayout(group string, formats []flowlog.Format) (flowlog.Format, error) {
	if len(formats) == 0 || !countable(formats[0]) {
		return flowlog.Format{}, failure.New(failure.InvalidArgument, "the flow "+
			"log format of %s records no addresses or no action", group)
	}
	want := layoutOf(formats[0])
	for _, f := range formats[1:] {
		if layoutOf(f) != want {
			return flowlog.Format{}, failure.New(failure.InvalidArgument, "the "+
				"flow logs of %s use formats that place addresses or actions "+
				"differently, which one Logs Insights query cannot read; set "+
				"FLOW_TOTALS to records", group)
		}
	}
	return formats[0], nil
}

// parseCommand reads every value of a record of f with one glob each,
// naming the counted ones and numbering the others.
func parseCommand(f flowlog.Format) string {
	names := make([]string, f.Len())
	for i, field := range f.Fields() {
		name, counted := insightsNames[field]
		if !counted {
			name = "skip" + strconv.Itoa(i+1)
		}
		names[i] = name
	}
	globs := strings.TrimSuffix(strings.Repeat("* ", f.Len()), " ")
	return `parse @message "` + globs + `" as ` + strings.Join(names, ", ")
}

// trafficFilter keeps the records with an action, and when the format
// has a log status, only those whose status is OK.
func trafficFilter(f flowlog.Format) string {
	action := insightsNames[flowlog.FieldAction] + ` in ["ACCEPT", "REJECT"]`
	if !f.Has(flowlog.FieldLogStatus) {
		return action
	}
	return insightsNames[flowlog.FieldLogStatus] + ` = "OK" and ` + action
}

// present returns the query names of the fields f has.
func present(f flowlog.Format, fields ...flowlog.Field) []string {
	var out []string
	for _, field := range fields {
		if f.Has(field) {
			out = append(out, insightsNames[field])
		}
	}
	return out
}

// inRanges is true when any of the named addresses is in any range.
func inRanges(ranges []netip.Prefix, names []string) string {
	var terms []string
	for _, p := range ranges {
		for _, name := range names {
			terms = append(terms, `isIpInSubnet(`+name+`, "`+p.String()+`")`)
		}
	}
	return strings.Join(terms, " or ")
}

// mergeRanges returns the fewest ranges covering the same addresses as
// n: ranges inside another are dropped and two halves of one range
// become that range, until nothing changes. IPv4 ranges come first.
func mergeRanges(n tiles.Networks) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range n {
		if p.IsValid() {
			out = append(out, p.Masked())
		}
	}
	for {
		slices.SortFunc(out, comparePrefixes)
		merged := dropCovered(out)
		merged = joinHalves(merged)
		if len(merged) == len(out) {
			return merged
		}
		out = merged
	}
}

// comparePrefixes orders by address, then wider first.
func comparePrefixes(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// dropCovered removes the ranges inside an earlier one of sorted.
func dropCovered(sorted []netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range sorted {
		if len(out) > 0 && last(out).Overlaps(p) && last(out).Bits() <= p.Bits() {
			continue
		}
		out = append(out, p)
	}
	return out
}

// joinHalves replaces each pair of neighbours of sorted that are the two
// halves of one range with that range.
func joinHalves(sorted []netip.Prefix) []netip.Prefix {
	var out []netip.Prefix
	for _, p := range sorted {
		if len(out) > 0 && p.Bits() > 0 && last(out).Bits() == p.Bits() {
			parent, _ := p.Addr().Prefix(p.Bits() - 1)
			if parent.Addr() == last(out).Addr() && parent.Addr() != p.Addr() {
				out[len(out)-1] = parent
				continue
			}
		}
		out = append(out, p)
	}
	return out
}

// last returns the last range of list.
func last(list []netip.Prefix) netip.Prefix { return list[len(list)-1] }
