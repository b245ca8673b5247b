package tiles

import (
	"fmt"
	"strings"
	"testing"
)

func TestEscape(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "web-1", "web-1"},
		{"pipe", "web | blue", `web \| blue`},
		{"link text", "[prod](x)", `\[prod\](x)`},
		{"emphasis and code", "*a*_b_`c`", "\\*a\\*\\_b\\_\\`c\\`"},
		{"html", "<script>", `\<script\>`},
		{"backslash", `a\b`, `a\\b`},
		{"line breaks", "a\nb\r\nc\td", "a b  c d"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Escape(tt.in); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// cells splits a markdown table row into its cells, honouring escapes.
func cells(row string) []string {
	row = strings.TrimSpace(row)
	row = strings.TrimSuffix(strings.TrimPrefix(row, "|"), "|")
	var out []string
	var cur strings.Builder
	for i := 0; i < len(row); i++ {
		switch {
		case row[i] == '\\' && i+1 < len(row):
			cur.WriteByte(row[i+1])
			i++
		case row[i] == '|':
			out = append(out, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(row[i])
		}
	}
	return append(out, strings.TrimSpace(cur.String()))
}

func TestEC2Table(t *testing.T) {
	list := []Instance{
		{ID: "i-0b", Name: "db | primary", Type: "r6g.large", PrivateIP: "10.0.2.7",
			State: "stopped"},
		{ID: "i-0a", Name: "", Type: "t3.micro", PrivateIP: "", State: "running"},
	}
	SortInstances(list)
	lines := EC2Table("eu-central-1", list)
	if len(lines) != 4 || lines[0] != "| Name | Instance type | Private IP | State |" {
		t.Fatalf("got %q, want a header, a rule and two rows", lines)
	}
	tests := []struct {
		line int
		want []string
	}{
		{2, []string{"[i-0a](https://eu-central-1.console.aws.amazon.com/ec2/home?" +
			"region=eu-central-1#InstanceDetails:instanceId=i-0a)", "t3.micro", "-", "running"}},
		{3, []string{"[db | primary](https://eu-central-1.console.aws.amazon.com/ec2/" +
			"home?region=eu-central-1#InstanceDetails:instanceId=i-0b)", "r6g.large",
			"10.0.2.7", "stopped"}},
	}
	for _, tt := range tests {
		got := cells(lines[tt.line])
		if strings.Join(got, "\n") != strings.Join(tt.want, "\n") {
			t.Errorf("line %d: got %q, want %q", tt.line, got, tt.want)
		}
	}
}

func TestEC2TableCountsTheRest(t *testing.T) {
	tests := []struct {
		name     string
		n        int
		wantRows int
		wantLast string
	}{
		{"none", 0, 0, "No EC2 instances in us-east-1."},
		{"exactly the cap", MaxTableRows, MaxTableRows, ""},
		{"one more", MaxTableRows + 1, MaxTableRows, "... and 1 more instance not shown."},
		{"many more", 130, MaxTableRows, "... and 80 more instances not shown."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var list []Instance
			for i := range tt.n {
				list = append(list, Instance{ID: fmt.Sprintf("i-%03d", i),
					State: "running"})
			}
			lines := EC2Table("us-east-1", list)
			rows := 0
			for _, l := range lines[2:] {
				if strings.HasPrefix(l, "| ") {
					rows++
				}
			}
			last := lines[len(lines)-1]
			if strings.HasPrefix(last, "| ") {
				last = ""
			}
			if rows != tt.wantRows || last != tt.wantLast {
				t.Errorf("got %d rows and last line %q, want %d and %q",
					rows, last, tt.wantRows, tt.wantLast)
			}
		})
	}
}

func TestSortInstances(t *testing.T) {
	list := []Instance{{ID: "i-3", Name: "b", State: "terminated"},
		{ID: "i-2", Name: "b", State: "running"}, {ID: "i-1", Name: "a", State: "stopped"},
		{ID: "i-4", Name: "a", State: "running"}, {ID: "i-5", State: "weird"}}
	SortInstances(list)
	var got []string
	for _, in := range list {
		got = append(got, in.ID)
	}
	if want := "i-4 i-2 i-1 i-3 i-5"; strings.Join(got, " ") != want {
		t.Errorf("got %v, want %s", got, want)
	}
}
