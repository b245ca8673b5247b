package tiles

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/aws-vpc-flow-relay/relay/pkg/console"
)

// MaxTableRows is the most instances the EC2 table lists; a last line
// says how many more there are.
const MaxTableRows = 50

// Instance is one EC2 instance as the details tile shows it.
type Instance struct {
	ID, Name, Type, PrivateIP, State string
}

// stateOrder ranks states so that live instances come first.
var stateOrder = map[string]int{"running": 0, "pending": 1, "stopping": 2,
	"stopped": 3, "shutting-down": 4, "terminated": 5}

// SortInstances orders instances by state (running first), then name,
// then id.
func SortInstances(list []Instance) {
	slices.SortFunc(list, func(a, b Instance) int {
		return cmp.Or(cmp.Compare(rank(a.State), rank(b.State)),
			cmp.Compare(a.Name, b.Name), cmp.Compare(a.ID, b.ID))
	})
}

// rank returns a state's place; unknown states go last.
func rank(state string) int {
	if r, ok := stateOrder[state]; ok {
		return r
	}
	return len(stateOrder)
}

// EC2Table returns the markdown lines of the instance table: a header, a
// row for each of the first MaxTableRows instances in the given order,
// and a line counting the rest. Every value is escaped, so a "|" or a
// line break in a Name tag cannot break the table.
func EC2Table(region string, list []Instance) []string {
	lines := []string{
		"| Name | Instance type | Private IP | State |",
		"| --- | --- | --- | --- |",
	}
	for i, in := range list {
		if i == MaxTableRows {
			break
		}
		lines = append(lines, tableRow(region, in))
	}
	if len(list) == 0 {
		lines = append(lines, "", "No EC2 instances in "+Escape(region)+".")
	}
	if more := len(list) - MaxTableRows; more > 0 {
		lines = append(lines, "", fmt.Sprintf("... and %d more %s not shown.",
			more, plural(more, "instance", "instances")))
	}
	return lines
}

// tableRow returns one instance's table row.
func tableRow(region string, in Instance) string {
	name := in.Name
	if name == "" {
		name = in.ID
	}
	link := "[" + Escape(name) + "](" + linkTarget(console.Instance(region, in.ID)) + ")"
	return "| " + strings.Join([]string{link, cell(in.Type), cell(in.PrivateIP),
		cell(in.State)}, " | ") + " |"
}

// cell escapes a value, writing "-" for an empty one.
func cell(v string) string {
	if v == "" {
		return "-"
	}
	return Escape(v)
}

// Escape makes text safe inside a markdown table cell and link text: the
// characters that could end a cell or a link, or start emphasis, code or
// HTML, are backslash-escaped, and line breaks become spaces.
func Escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\r' || r == '\n' || r == '\t':
			b.WriteByte(' ')
		case strings.ContainsRune("\\`*_[]<>|~", r):
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// linkTarget keeps a URL from ending a markdown link early.
func linkTarget(u string) string {
	return strings.NewReplacer("(", "%28", ")", "%29", " ", "%20").Replace(u)
}

// plural picks the word form for n.
func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
