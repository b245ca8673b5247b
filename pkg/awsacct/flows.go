package awsacct

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"sync"
	"unsafe"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
	"github.com/aws-vpc-flow-relay/relay/pkg/observe"
)

// maxPattern is the longest filter pattern FilterLogEvents accepts.
const maxPattern = 1024

// pageSize is the most events one FilterLogEvents page may return.
const pageSize = 10000

// cachedFormats keeps the flow log formats of each log group read before.
type cachedFormats struct {
	mu     sync.Mutex
	groups map[string][]flowlog.Format
}

// Flows returns the flow log records of logGroup as package observe reads
// them.
func (a *Account) Flows(logGroup string) observe.FlowSource {
	return flows{a: a, group: logGroup}
}

// flows implements observe.FlowSource with CloudWatch Logs.
type flows struct {
	a     *Account
	group string
}

// Formats returns the formats of the flow logs delivering to the group,
// from their definitions (DescribeFlowLogs). A group no flow log of this
// account delivers to is read in the default version 2 format.
func (f flows) Formats(ctx context.Context) ([]flowlog.Format, error) {
	c := &f.a.formats
	c.mu.Lock()
	defer c.mu.Unlock()
	if got, ok := c.groups[f.group]; ok {
		return got, nil
	}
	got, err := f.describeFormats(ctx)
	if err != nil {
		return nil, err
	}
	if c.groups == nil {
		c.groups = map[string][]flowlog.Format{}
	}
	c.groups[f.group] = got
	return got, nil
}

// describeFormats reads the distinct formats of the group's flow logs.
func (f flows) describeFormats(ctx context.Context) ([]flowlog.Format, error) {
	in := &ec2.DescribeFlowLogsInput{Filter: []ec2types.Filter{
		{Name: aws.String("log-group-name"), Values: []string{f.group}}}}
	seen := map[string]bool{}
	var out []flowlog.Format
	pages := ec2.NewDescribeFlowLogsPaginator(f.a.EC2, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify(err, "ec2:DescribeFlowLogs")
		}
		for _, fl := range page.FlowLogs {
			format, err := formatOf(aws.ToString(fl.LogFormat))
			if err != nil {
				return nil, fmt.Errorf("flow log %s: %w", aws.ToString(fl.FlowLogId), err)
			}
			if !seen[format.String()] {
				seen[format.String()] = true
				out = append(out, format)
			}
		}
	}
	if len(out) == 0 {
		out = append(out, flowlog.DefaultFormat)
	}
	return out, nil
}

// formatOf parses a flow log's LogFormat; empty means the default.
func formatOf(s string) (flowlog.Format, error) {
	if s == "" {
		return flowlog.DefaultFormat, nil
	}
	f, err := flowlog.ParseFormat(s)
	if err != nil {
		return flowlog.Format{}, fmt.Errorf("parse log format %q: %w", s, err)
	}
	return f, nil
}

// Scan streams the events of q's window that mention one of q's
// addresses. The addresses become quoted filter terms, so only records
// that can match travel from AWS; terms that do not fit one pattern are
// searched in further passes, each skipping events an earlier pass
// already returned.
func (f flows) Scan(ctx context.Context, q observe.Query,
	visit observe.Visitor) (observe.ScanStats, error) {
	var stats observe.ScanStats
	passes := patterns(q.Addrs)
	for i, terms := range passes {
		earlier := flatten(passes[:i])
		skip := func(ts int64, msg []byte) error {
			if containsAny(msg, earlier) {
				return nil
			}
			return visit(ts, msg)
		}
		if err := f.pass(ctx, q.Window, pattern(terms), skip, &stats); err != nil {
			return stats, err
		}
	}
	return stats, nil
}

// pass follows every page of one FilterLogEvents search. A page may be
// empty and still carry a token; only a missing token ends the search.
func (f flows) pass(ctx context.Context, w observe.Window, filter string,
	visit observe.Visitor, stats *observe.ScanStats) error {
	in := &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName:  aws.String(f.group),
		StartTime:     aws.Int64(w.From.UnixMilli()),
		EndTime:       aws.Int64(w.To.UnixMilli() - 1),
		FilterPattern: aws.String(filter),
		Limit:         aws.Int32(pageSize),
	}
	for {
		page, err := f.a.Logs.FilterLogEvents(ctx, in)
		stats.Requests++
		if err != nil {
			return f.refusal(classify(err, "logs:FilterLogEvents"))
		}
		for _, e := range page.Events {
			stats.Events++
			if err := visit(aws.ToInt64(e.Timestamp), view(aws.ToString(e.Message))); err != nil {
				return err
			}
		}
		if page.NextToken == nil || *page.NextToken == "" {
			return nil
		}
		in.NextToken = page.NextToken
	}
}

// refusal names the log group when AWS says it does not exist: that is a
// wrong LOG_GROUP, not an AWS fault.
func (f flows) refusal(err error) error {
	if failure.KindOf(err) != failure.NotFound {
		return err
	}
	return failure.Wrap(err, failure.InvalidArgument,
		"log group %s does not exist in %s; check LOG_GROUP", f.group, f.a.Region)
}

// view returns the bytes of s without copying them. The caller must not
// change them.
func view(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}

// patterns groups the addresses' quoted terms into as few filter patterns
// as fit the pattern length limit.
func patterns(addrs []netip.Addr) [][]string {
	var out [][]string
	var cur []string
	size := 0
	for _, a := range addrs {
		term := `"` + a.String() + `"`
		if len(cur) > 0 && size+len(term)+2 > maxPattern {
			out, cur, size = append(out, cur), nil, 0
		}
		cur = append(cur, term)
		size += len(term) + 2
	}
	if len(cur) > 0 {
		out = append(out, cur)
	}
	return out
}

// pattern joins terms into one pattern matching any of them.
func pattern(terms []string) string {
	if len(terms) == 1 {
		return terms[0]
	}
	var b bytes.Buffer
	for i, t := range terms {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteByte('?')
		b.WriteString(t)
	}
	return b.String()
}

// flatten lists the bare addresses of the terms of earlier passes.
func flatten(passes [][]string) [][]byte {
	var out [][]byte
	for _, terms := range passes {
		for _, t := range terms {
			out = append(out, []byte(t[1:len(t)-1]))
		}
	}
	return out
}

// containsAny reports whether msg holds any of the needles as a whole
// space-separated field. An event holding one was returned by the pass
// that searched for it, whether CloudWatch matches quoted terms as
// substrings or as whole words.
func containsAny(msg []byte, needles [][]byte) bool {
	for _, n := range needles {
		for rest := msg; ; {
			i := bytes.Index(rest, n)
			if i < 0 {
				break
			}
			end := i + len(n)
			if (i == 0 || rest[i-1] == ' ') && (end == len(rest) || rest[end] == ' ') {
				return true
			}
			rest = rest[i+1:]
		}
	}
	return false
}
