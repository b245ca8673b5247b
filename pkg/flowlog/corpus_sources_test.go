package flowlog

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"testing"
)

// checkAWSDocs parses the examples of the AWS VPC user guide. The page
// gives no parsed values; the checks hold what its prose says each record
// shows.
func checkAWSDocs(t *testing.T, c *corpus) {
	parsed := map[string][]parsedLine{}
	for _, name := range []string{
		"default-v2-accept-reject", "default-v2-icmp-sg-nacl",
		"default-v2-ipv6", "default-v2-nodata-skipdata",
		"legacy-2019-default-v2-short-eni",
	} {
		parsed[name] = c.parseFile(t, "aws-docs/"+name+".log",
			always(DefaultFormat))
	}
	for _, name := range []string{
		"custom-nat-gateway", "custom-v3-tcp-flag-sequence",
		"custom-v3-transit-gateway", "custom-v5-traffic-path",
	} {
		f := c.format(t, "aws-docs/"+name+".fields")
		parsed[name] = c.parseFile(t, "aws-docs/"+name+".log", always(f))
	}
	for _, name := range sortedKeys(parsed) {
		requireParsed(t, parsed[name])
	}
	for _, p := range awsDocsProse {
		l := parsed[p.file][p.record-1]
		c.expect(t, l.where, &l.rec, p.field, p.want)
	}
}

// awsDocsProse is what the prose of the AWS examples page says about its
// records, by file and record number.
var awsDocsProse = []struct {
	file   string
	record int
	field  Field
	want   any
}{
	{"default-v2-accept-reject", 1, FieldDstPort, "22"},
	{"default-v2-accept-reject", 1, FieldAction, "ACCEPT"},
	{"default-v2-accept-reject", 2, FieldDstPort, "3389"},
	{"default-v2-accept-reject", 2, FieldAction, "REJECT"},
	{"default-v2-nodata-skipdata", 1, FieldLogStatus, "NODATA"},
	{"default-v2-nodata-skipdata", 1, FieldSrcAddr, nil},
	{"default-v2-nodata-skipdata", 2, FieldLogStatus, "SKIPDATA"},
	{"default-v2-nodata-skipdata", 2, FieldAction, nil},
	{"default-v2-icmp-sg-nacl", 1, FieldProtocol, "1"},
	{"default-v2-icmp-sg-nacl", 1, FieldSrcPort, "0"},
	{"default-v2-icmp-sg-nacl", 1, FieldAction, "ACCEPT"},
	{"default-v2-icmp-sg-nacl", 2, FieldAction, "REJECT"},
	{"default-v2-ipv6", 1, FieldSrcAddr, "2001:db8:1234:a100:8d6e:3477:df66:f105"},
	{"default-v2-ipv6", 1, FieldDstPort, "22"},
	{"legacy-2019-default-v2-short-eni", 1, FieldInterfaceID, "eni-abc123de"},
	{"custom-v3-tcp-flag-sequence", 1, FieldTCPFlags, "2"},
	{"custom-v3-tcp-flag-sequence", 2, FieldTCPFlags, "18"},
	{"custom-v3-tcp-flag-sequence", 5, FieldTCPFlags, "1"},
	{"custom-v3-tcp-flag-sequence", 6, FieldBytes, "23294588"},
	{"custom-v3-tcp-flag-sequence", 7, FieldTCPFlags, "3"},
	// The page has two spaces before this record's pkt-srcaddr.
	{"custom-v3-tcp-flag-sequence", 8, FieldTCPFlags, "19"},
	{"custom-v3-tcp-flag-sequence", 8, FieldPktSrcAddr, "10.0.0.62"},
	{"custom-nat-gateway", 1, FieldInstanceID, nil},
	{"custom-nat-gateway", 1, FieldPktDstAddr, "203.0.113.5"},
	{"custom-nat-gateway", 5, FieldInstanceID, "i-01234567890123456"},
	{"custom-v3-transit-gateway", 3, FieldInstanceID, nil},
	{"custom-v3-transit-gateway", 3, FieldSrcAddr, "10.40.1.175"},
	{"custom-v3-transit-gateway", 3, FieldPktSrcAddr, "10.20.33.164"},
	{"custom-v5-traffic-path", 1, FieldPktSrcAWSService, "S3"},
	{"custom-v5-traffic-path", 1, FieldTrafficPath, nil},
	{"custom-v5-traffic-path", 1, FieldFlowDirection, "ingress"},
	{"custom-v5-traffic-path", 2, FieldPktDstAWSService, "S3"},
	{"custom-v5-traffic-path", 2, FieldTrafficPath, "8"},
	{"custom-v5-traffic-path", 2, FieldFlowDirection, "egress"},
}

// checkVRL parses Vector's test records, whose formats name fields with
// underscores, and checks the values of its expected cases.
func checkVRL(t *testing.T, c *corpus) {
	parsed := map[string][]parsedLine{}
	for _, name := range []string{
		"default-v2", "custom-nat-gateway", "custom-v3-tcp-flag-sequence",
		"custom-v3-transit-gateway", "custom-v5-traffic-path",
		"custom-v7-ecs", "custom-v11-reject-reason-next-hop",
		"docs-example-v11",
	} {
		f := DefaultFormat
		if name != "default-v2" {
			f = mustFormat(t, dashed(string(c.read(t, "vrl/"+name+".format"))))
		}
		parsed[name+".log"] = c.parseFile(t, "vrl/"+name+".log", always(f))
		requireParsed(t, parsed[name+".log"])
	}
	var exp struct {
		Cases []struct {
			File     string
			Input    string
			Expected map[string]any
		}
	}
	c.readJSON(t, "vrl/expected.json", &exp)
	for _, cs := range exp.Cases {
		l, ok := findLine(parsed[cs.File], cs.Input)
		if !ok {
			t.Errorf("vrl case input is no line of %s: %q", cs.File, cs.Input)
			continue
		}
		c.expectByName(t, l.where, &l.rec, cs.Expected)
	}

	// Vector's copy of the tcp-flag example has one space where the AWS
	// page has two; both must read the same.
	docs := c.parseFile(t, "aws-docs/custom-v3-tcp-flag-sequence.log",
		always(c.format(t, "aws-docs/custom-v3-tcp-flag-sequence.fields")))
	vrl := parsed["custom-v3-tcp-flag-sequence.log"]
	for f := FieldUnknown + 1; f < fieldCount; f++ {
		c.expectSame(t, vrl[7].where, &docs[7].rec, &vrl[7].rec, f)
	}
}

// expectSame checks that field f reads the same in a and b.
func (c *corpus) expectSame(t *testing.T, where string, a, b *Record, f Field) {
	t.Helper()
	c.compared++
	av, ah := fieldText(a, f)
	bv, bh := fieldText(b, f)
	if av != bv || ah != bh {
		t.Errorf("%s: %s = %q (has %v), want %q (has %v)", where, f, bv, bh, av, ah)
	}
}

// flowlogsReaderCase is one case of flowlogs-reader's expected.json.
type flowlogsReaderCase struct {
	Test            string
	File            string
	Input           string
	Inputs          []string
	Expected        json.RawMessage
	ExpectedPartial map[string]any `json:"expected_partial"`
}

// checkFlowlogsReader parses the records of the flowlogs-reader library's
// tests: CloudWatch messages and S3 files with a header line.
func checkFlowlogsReader(t *testing.T, c *corpus) {
	const dir = "flowlogs-reader/"
	for _, name := range []string{
		"v2-cwl-messages.log", "v2-cwl-millisecond-timestamps.log",
	} {
		requireParsed(t, c.parseFile(t, dir+name, always(DefaultFormat)))
	}
	s3 := map[string][]parsedLine{}
	for _, name := range []string{
		"v3-s3-with-header.log", "v4-s3-with-header.log",
		"v5-s3-with-header-and-bogus-line.log", "tgw-s3-with-header.log",
	} {
		s3[name] = c.parseFile(t, dir+name, always(Format{}))
	}
	// The library skips the last line, "bogus line"; the relay reports it
	// as a line with the wrong number of fields.
	v5 := s3["v5-s3-with-header-and-bogus-line.log"]
	requireError(t, v5[len(v5)-1], ErrFieldCount)
	s3["v5-s3-with-header-and-bogus-line.log"] = v5[:len(v5)-1]
	for _, name := range sortedKeys(s3) {
		requireParsed(t, s3[name])
	}

	var exp struct{ Cases []flowlogsReaderCase }
	c.readJSON(t, dir+"expected.json", &exp)
	for _, cs := range exp.Cases {
		c.checkFlowlogsReaderCase(t, cs, s3)
	}
	c.checkTrailingDashes(t, dir+"v2-cwl-trailing-dashes.log")
}

// checkFlowlogsReaderCase checks one expected case. Times in the cases are
// naive UTC, as the library makes them.
//
// The millisecond case: the library divides a start or end that is too
// large for seconds by 1000, and so does the relay. As seconds such a
// value lies past the year 5000, so it cannot be meant that way; left
// alone it would put the flow tens of thousands of years ahead, break the
// newest-first order of sightings and every look-back window. As
// milliseconds it converts without loss.
func (c *corpus) checkFlowlogsReaderCase(t *testing.T, cs flowlogsReaderCase,
	s3 map[string][]parsedLine) {
	t.Helper()
	switch {
	case strings.HasSuffix(cs.File, ".parquet"):
		c.skip("flowlogs-reader/"+cs.File, "Parquet is binary; the relay "+
			"reads text records from CloudWatch Logs")
	case cs.Input != "":
		var r Record
		if err := DefaultFormat.Parse([]byte(cs.Input), &r); err != nil {
			t.Errorf("%s: %v", cs.Test, err)
			return
		}
		want := cs.ExpectedPartial
		if len(cs.Expected) > 0 {
			want = nil
			mustUnmarshal(t, cs.Expected, &want)
		}
		c.expectByName(t, cs.Test, &r, want)
	case len(cs.Inputs) > 0:
		// Aggregation cases: the relay aggregates elsewhere; the records
		// must parse.
		for _, in := range cs.Inputs {
			var r Record
			if err := DefaultFormat.Parse([]byte(in), &r); err != nil {
				t.Errorf("%s: %v", cs.Test, err)
			}
		}
	case len(cs.Expected) > 0:
		var want []map[string]any
		mustUnmarshal(t, cs.Expected, &want)
		lines := s3[cs.File]
		if len(lines) != len(want) {
			t.Fatalf("%s: %d records, %d expected", cs.File, len(lines), len(want))
		}
		for i := range lines {
			c.expectByName(t, lines[i].where, &lines[i].rec, want[i])
		}
	}
}

// checkTrailingDashes reads records that carry 33 extra "-" values after
// the 14 default ones. The library reads the first 14 values and drops the
// rest. The relay knows each log group's format, so values beyond it mean
// the record is not in that format: it reports ErrFieldCount rather than
// guess which values to keep. A format that names the extra fields reads
// the records, with the same 14 values.
func (c *corpus) checkTrailingDashes(t *testing.T, rel string) {
	t.Helper()
	lines := c.parseFile(t, rel, always(DefaultFormat))
	names := []string{DefaultFormat.String()}
	for i := range 33 {
		names = append(names, "extra-"+strconv.Itoa(i))
	}
	extended := mustFormat(t, strings.Join(names, " "))
	for _, l := range lines {
		requireError(t, l, ErrFieldCount)
		var full, short Record
		if err := extended.Parse([]byte(l.text), &full); err != nil {
			t.Errorf("%s: with the extra fields named: %v", l.where, err)
			continue
		}
		c.records++
		first14 := strings.Join(strings.Fields(l.text)[:14], " ")
		if err := DefaultFormat.Parse([]byte(first14), &short); err != nil {
			t.Errorf("%s: first 14 values: %v", l.where, err)
			continue
		}
		for _, f := range DefaultFormat.Fields() {
			c.expectSame(t, l.where, &short, &full, f)
		}
	}
}

// mustUnmarshal decodes JSON from the corpus.
func mustUnmarshal(t *testing.T, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode expected values: %v", err)
	}
}

// checkPanther parses Panther's S3-style files: a header line, then one
// record, sometimes with a value more than the header names. In the
// extended file the header also names a field no one knows; the relay
// keeps the name, and the extra value lands there and is skipped.
func checkPanther(t *testing.T, c *corpus) {
	var exp struct {
		Cases []struct {
			File     string
			Expected map[string]any
		}
	}
	c.readJSON(t, "panther/expected.json", &exp)
	for _, cs := range exp.Cases {
		if cs.Expected == nil {
			continue // the header-only case: no record, nothing to parse
		}
		data := c.read(t, "panther/"+cs.File)
		l := c.parseLines(t, cs.File, data, always(Format{}))[0]
		if cs.File == "standard-v2-header-and-extra-field.log" {
			l.rec = c.pantherExtraValue(t, l, data)
		} else if l.err != nil {
			t.Errorf("%s: %v", l.where, l.err)
		}
		if cs.File == "nodata-account-unknown.log" {
			// Panther drops the account id "unknown". AWS documents that
			// word as what it writes when an AWS service owns the
			// interface, so the relay keeps it: it is not "-".
			c.expect(t, l.where, &l.rec, FieldAccountID, "unknown")
		}
		c.expectByName(t, l.where, &l.rec, cs.Expected)
	}
}

// pantherExtraValue handles the record with one value more than its
// header names. Panther ignores the extra value; the relay reports
// ErrFieldCount (see checkTrailingDashes). Named as an unknown field, the
// value is skipped and the rest reads as Panther expects.
func (c *corpus) pantherExtraValue(t *testing.T, l parsedLine, data []byte) Record {
	t.Helper()
	requireError(t, l, ErrFieldCount)
	header, _, _ := strings.Cut(string(data), "\n")
	f := mustFormat(t, header+" extra-value")
	var r Record
	if err := f.Parse([]byte(l.text), &r); err != nil {
		t.Errorf("%s: with the extra value named: %v", l.where, err)
	}
	c.records++
	return r
}

// graylogKeys maps Graylog's message fields to flow log fields. Other
// fields of its messages (log group and stream, a summary, the protocol's
// name) are not in the record.
var graylogKeys = map[string]Field{
	"src_addr": FieldSrcAddr, "dst_addr": FieldDstAddr,
	"src_port": FieldSrcPort, "dst_port": FieldDstPort,
	"protocol_number": FieldProtocol, "packets": FieldPackets,
	"bytes": FieldBytes, "account_id": FieldAccountID,
	"interface_id": FieldInterfaceID, "log_status": FieldLogStatus,
	"action": FieldAction,
}

// checkGraylog parses Graylog's records and checks its assertions.
func checkGraylog(t *testing.T, c *corpus) {
	const dir = "graylog-integrations/"
	parsed := map[string][]parsedLine{}
	for _, name := range []string{
		"flowlogmessage-dash-numeric-fields.log", "kinesis-cloudwatch-codec.log",
	} {
		parsed[name] = c.parseFile(t, dir+name, always(DefaultFormat))
		requireParsed(t, parsed[name])
	}
	var exp struct {
		Cases []struct {
			File            string
			Line            int
			Expected        map[string]any
			ExpectedPartial map[string]any `json:"expected_partial"`
		}
	}
	c.readJSON(t, dir+"expected.json", &exp)
	for _, cs := range exp.Cases {
		l := parsed[cs.File][cs.Line-1]
		if cs.ExpectedPartial != nil {
			c.expectGraylogZeros(t, l, cs.ExpectedPartial)
			continue
		}
		for _, key := range sortedKeys(cs.Expected) {
			if f, ok := graylogKeys[key]; ok {
				c.expect(t, l.where, &l.rec, f, cs.Expected[key])
			}
		}
		// Graylog derives the capture window from start and end.
		window := cs.Expected["capture_window_duration_seconds"]
		if got := l.rec.End - l.rec.Start; float64(got) != window {
			t.Errorf("%s: end - start = %d, want %v", l.where, got, window)
		}
	}
}

// expectGraylogZeros checks Graylog's "-" number fields. Graylog reads
// them as 0. The relay reads them as absent: Has is false and the field
// holds 0, so the number Graylog expects is there and a caller can still
// tell "no value" from zero.
func (c *corpus) expectGraylogZeros(t *testing.T, l parsedLine,
	want map[string]any) {
	t.Helper()
	for _, name := range sortedKeys(want) {
		f, _ := LookupField(name)
		c.compared++
		got, has := fieldText(&l.rec, f)
		if has || got != "0" || want[name] != 0.0 {
			t.Errorf("%s: %s = %q (has %v), want absent 0 for Graylog's %v",
				l.where, f, got, has, want[name])
		}
	}
}

// cwPayload is a CloudWatch Logs subscription payload (DATA_MESSAGE).
type cwPayload struct {
	Owner     string
	LogEvents []struct{ Message string }
}

// messages returns the payload's messages, one per line.
func (p cwPayload) messages() []byte {
	var b bytes.Buffer
	for _, e := range p.LogEvents {
		b.WriteString(e.Message)
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// checkStreamlogs parses the records of a Lambda CloudWatch Logs event, as
// plain lines and as the event's compressed payload.
func checkStreamlogs(t *testing.T, c *corpus) {
	const dir = "streamlogs2fluentd/"
	lines := c.parseFile(t, dir+"vpcflow-messages.log", always(DefaultFormat))
	requireParsed(t, lines)

	var event struct {
		Awslogs struct{ Data string }
	}
	c.readJSON(t, dir+"lambda-awslogs-event-vpcflow.json", &event)
	decoded := c.read(t, dir+"lambda-awslogs-event-vpcflow.decoded.json")
	if got := gunzipBase64(t, event.Awslogs.Data); !bytes.Equal(got, decoded) {
		t.Errorf("the event's payload is not the decoded file")
	}
	var p cwPayload
	mustUnmarshal(t, decoded, &p)
	events := c.parseLines(t, "event payload", p.messages(), always(DefaultFormat))
	requireParsed(t, events)
	if len(events) != len(lines) {
		t.Fatalf("payload has %d records, the log %d", len(events), len(lines))
	}
	for i := range lines {
		for _, f := range DefaultFormat.Fields() {
			c.expectSame(t, events[i].where, &lines[i].rec, &events[i].rec, f)
		}
	}
}

// gunzipBase64 decodes a CloudWatch Logs event's data.
func gunzipBase64(t *testing.T, data string) []byte {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(data)
	if err != nil {
		t.Fatalf("decode base64: %v", err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("open gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("read gzip: %v", err)
	}
	return out
}
