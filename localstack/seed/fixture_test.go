package seed

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// testNow is a fixed end of the seeded period for tests without an
// emulator.
var testNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

// testAccount returns an account like the one Run builds, with made-up
// identifiers, and its log groups ready for records.
func testAccount(seed int64) *Truth {
	vpc, pub, priv := "vpc-0a1b2c3d4e5f60718", "subnet-0aa", "subnet-0bb"
	iface := func(id, subnet, ip, v6 string, index int) Interface {
		return Interface{ID: id, SubnetID: subnet, PrivateIP: ip,
			IPv6: v6, DeviceIndex: index}
	}
	return &Truth{
		Prefix: "t-", Region: "us-east-1", AccountID: "123456789012",
		Now: testNow, Days: 7, Seed: seed,
		VPC: VPC{ID: vpc, CIDR: "10.20.0.0/16",
			IPv6CIDR: "2600:1f18:abcd:ef00::/56", ResolverIP: "10.20.0.2"},
		Instances: []Instance{
			{ID: "i-0web", Role: RoleWeb, State: "running", PrivateIP: "10.20.1.10",
				ElasticIP: "54.210.1.2", Interfaces: []Interface{
					iface("eni-0web", pub, "10.20.1.10", "", 0)}},
			{ID: "i-0app", Role: RoleApp, State: "running", PrivateIP: "10.20.2.20",
				Interfaces: []Interface{
					iface("eni-0app", priv, "10.20.2.20", "", 0),
					iface("eni-0mgmt", pub, "10.20.1.20", "", 1)}},
			{ID: "i-0api", Role: RoleIPv6, State: "running", PrivateIP: "10.20.1.30",
				IPv6: "2600:1f18:abcd:ef00::30", Interfaces: []Interface{
					iface("eni-0api", pub, "10.20.1.30", "2600:1f18:abcd:ef00::30", 0)}},
			{ID: "i-0db", Role: RoleDB, State: "stopped", PrivateIP: "10.20.2.40",
				StoppedAt: testNow.Add(-dbStoppedAge), Interfaces: []Interface{
					iface("eni-0db", priv, "10.20.2.40", "", 0)}},
		},
		NATGateway: NATGateway{ID: "nat-0", SubnetID: pub,
			InterfaceID: "eni-0nat", PrivateIP: "10.20.1.5", PublicIP: "54.210.9.9"},
		Groups: []LogGroup{
			{Name: "t-custom", Kind: FormatCustom, Format: CustomFormat,
				Fields: fieldsOf(CustomFormat), AggregationSeconds: 60},
			{Name: "t-default", Kind: FormatDefault, Format: DefaultFormat,
				Fields: fieldsOf(DefaultFormat), AggregationSeconds: 600},
		},
	}
}

// seeded returns a test account with records generated for it.
func seeded(t *testing.T, seed int64, counts ...int) (*Truth, []dataset) {
	t.Helper()
	truth := testAccount(seed)
	data, err := fillRecords(truth, counts)
	if err != nil {
		t.Fatalf("fillRecords: %v", err)
	}
	return truth, data
}

// line is one parsed line, read the way a relay reads it: by the names of
// its group's format.
type line struct {
	kind   string // "ok", "nodata", "skipdata" or "malformed"
	fields map[string]string
}

// numericFields are the fields whose values are numbers or "-".
var numericFields = []string{"version", "srcport", "dstport", "protocol",
	"packets", "bytes", "start", "end", "tcp-flags"}

// parseLine splits a line by its group's field names and classifies it.
func parseLine(names []string, text string) line {
	values := strings.Split(text, " ")
	if len(values) != len(names) {
		return line{kind: "malformed"}
	}
	l := line{fields: map[string]string{}}
	for i, name := range names {
		l.fields[name] = values[i]
	}
	for _, name := range numericFields {
		v, ok := l.fields[name]
		if _, err := strconv.ParseInt(v, 10, 64); ok && v != "-" && err != nil {
			return line{kind: "malformed"}
		}
	}
	switch l.fields["log-status"] {
	case "OK":
		l.kind = "ok"
	case "NODATA":
		l.kind = "nodata"
	case "SKIPDATA":
		l.kind = "skipdata"
	default:
		l.kind = "malformed"
	}
	return l
}

// num returns a numeric field of a parsed line.
func (l line) num(name string) int64 {
	n, _ := strconv.ParseInt(l.fields[name], 10, 64)
	return n
}

// allLines returns every line of a dataset with its event timestamp.
func allLines(d dataset) []event {
	var out []event
	for _, events := range d.streams {
		out = append(out, events...)
	}
	return out
}
