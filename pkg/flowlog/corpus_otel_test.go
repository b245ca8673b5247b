package flowlog

import (
	"strconv"
	"strings"
	"testing"
)

// otelKeys maps the attribute names of OpenTelemetry's VPC flow log
// records to the fields. Files from different versions of the collector
// name some attributes differently; both names are here.
var otelKeys = map[string]Field{
	"aws.vpc.flow.log.version":               FieldVersion,
	"aws.vpc.flow.version":                   FieldVersion,
	"network.interface.name":                 FieldInterfaceID,
	"aws.eni.id":                             FieldInterfaceID,
	"source.address":                         FieldSrcAddr,
	"destination.address":                    FieldDstAddr,
	"source.port":                            FieldSrcPort,
	"destination.port":                       FieldDstPort,
	"aws.vpc.flow.packets":                   FieldPackets,
	"aws.vpc.flow.bytes":                     FieldBytes,
	"aws.vpc.flow.start":                     FieldStart,
	"aws.vpc.flow.end":                       FieldEnd,
	"aws.vpc.flow.action":                    FieldAction,
	"aws.vpc.flow.status":                    FieldLogStatus,
	"aws.vpc.flow.packets_lost_no_route":     FieldPacketsLostNoRoute,
	"aws.vpc.flow.packets_lost_blackhole":    FieldPacketsLostBlackhole,
	"aws.vpc.flow.packets_lost_mtu_exceeded": FieldPacketsLostMTUExceeded,
	"aws.vpc.flow.packets_lost_ttl_expired":  FieldPacketsLostTTLExpired,
	"aws.tgw.id":                             FieldTGWID,
	"aws.tgw.attachment.id":                  FieldTGWAttachmentID,
	"aws.tgw.attachment.pair.id":             FieldTGWPairAttachmentID,
	"aws.tgw.source.vpc.id":                  FieldTGWSrcVPCID,
	"aws.tgw.destination.vpc.id":             FieldTGWDstVPCID,
	"aws.tgw.source.vpc.subnet.id":           FieldTGWSrcSubnetID,
	"aws.tgw.destination.vpc.subnet.id":      FieldTGWDstSubnetID,
	"aws.tgw.source.eni.id":                  FieldTGWSrcENI,
	"aws.tgw.destination.eni.id":             FieldTGWDstENI,
	"aws.tgw.source.az.id":                   FieldTGWSrcAZID,
	"aws.tgw.destination.az.id":              FieldTGWDstAZID,
	"aws.ecs.cluster.arn":                    FieldECSClusterARN,
	"aws.ecs.cluster.name":                   FieldECSClusterName,
	"aws.ecs.container.instance.arn":         FieldECSContainerInstanceARN,
	"aws.ecs.container.instance.id":          FieldECSContainerInstanceID,
	"aws.ecs.container.id":                   FieldECSContainerID,
	"aws.ecs.second.container.id":            FieldECSSecondContainerID,
	"aws.ecs.service.name":                   FieldECSServiceName,
	"aws.ecs.task.definition.arn":            FieldECSTaskDefinitionARN,
	"aws.ecs.task.arn":                       FieldECSTaskARN,
	"aws.ecs.task.id":                        FieldECSTaskID,
	"network.tcp.flags":                      FieldTCPFlags,
	"network.type":                           FieldType,
	"network.io.direction":                   FieldFlowDirection,
	"cloud.region":                           FieldRegion,
	"cloud.account.id":                       FieldAccountID,
}

// otelWords maps the words the collector uses for a value to the word in
// the record: it writes the type in lower case and the direction as the
// OpenTelemetry io direction.
var otelWords = map[string]string{
	"ipv4": "IPv4", "ipv6": "IPv6", "receive": "ingress", "transmit": "egress",
}

// otelRecord is one log record of a collector golden file.
type otelRecord struct {
	resource map[string]string
	attrs    map[string]string
	timeNano string
}

// readOTelYAML reads the log records of a collector golden file. It is a
// small reader for that one layout, not YAML: "- key: k" followed by a
// "stringValue:" or "intValue:" line, inside the resource's attributes or
// a log record's ("- attributes:"); the scope's attributes are ignored.
func readOTelYAML(data []byte) []otelRecord {
	var out []otelRecord
	resource := map[string]string{}
	var into map[string]string
	var key string
	for _, raw := range strings.Split(string(data), "\n") {
		line := strings.TrimSpace(raw)
		name, value, _ := strings.Cut(line, ": ")
		value = strings.Trim(value, `"`)
		switch {
		case line == "- resource:":
			resource = map[string]string{}
			into = resource
		case line == "- attributes:":
			out = append(out, otelRecord{resource: resource,
				attrs: map[string]string{}})
			into = out[len(out)-1].attrs
		case line == "scope:":
			into = nil
		case name == "- key":
			key = value
		case (name == "stringValue" || name == "intValue") && into != nil:
			into[key] = value
		case name == "timeUnixNano" && len(out) > 0:
			out[len(out)-1].timeNano = value
		}
	}
	return out
}

// checkOTel parses the OpenTelemetry collector's S3 files and CloudWatch
// payloads and compares them with its golden files.
func checkOTel(t *testing.T, c *corpus) {
	const dir = "otel-collector-contrib/"
	s3 := []struct{ log, golden string }{
		{"valid_vpc_flow_log.log", "valid_vpc_flow_log_expected.yaml"},
		{"valid_vpc_flow_log_multi.log", "valid_vpc_flow_log_expected_multi.yaml"},
		{"valid_vpc_flow_log_ecs.log", "valid_vpc_flow_log_ecs_expected.yaml"},
		{"valid_tgw_flow_log.log", "valid_tgw_flow_log_expected.yaml"},
	}
	var multi []parsedLine
	for _, s := range s3 {
		lines := c.parseFile(t, dir+s.log, always(Format{}))
		requireParsed(t, lines)
		c.expectOTel(t, lines, c.read(t, dir+s.golden))
		if s.log == "valid_vpc_flow_log_multi.log" {
			multi = lines
		}
	}
	// The streaming golden files hold the same two records one by one.
	for i, name := range []string{
		"stream/valid_vpc_flow_log_multi_1.yaml",
		"stream/valid_vpc_flow_log_multi_2.yaml",
	} {
		c.expectOTel(t, multi[i:i+1], c.read(t, dir+name))
	}
	// The collector refuses both; so does the relay.
	for _, name := range []string{
		"vpc_flow_log_too_few_fields.log", "vpc_flow_log_too_many_fields.log",
	} {
		requireError(t, c.parseFile(t, dir+name, always(Format{}))[0], ErrFieldCount)
	}
	c.checkOTelCloudWatch(t, dir)
}

// checkOTelCloudWatch parses the CloudWatch payloads. Their formats are
// set in the collector's test configuration, not in the files; they are
// inferred from the golden files.
func (c *corpus) checkOTelCloudWatch(t *testing.T, dir string) {
	tgw := strings.Join(strings.Fields("version account-id tgw-id "+
		"tgw-attachment-id tgw-src-vpc-id tgw-dst-vpc-id tgw-src-subnet-id "+
		"tgw-dst-subnet-id tgw-src-eni tgw-dst-eni tgw-src-az-id "+
		"tgw-dst-az-id tgw-pair-attachment-id srcaddr dstaddr srcport "+
		"dstport protocol packets bytes start end log-status type "+
		"tcp-flags flow-direction region"), " ")
	payloads := []struct{ file, format, golden string }{
		{"valid_vpc_flow_cw.json", defaultLogFormat,
			"valid_vpc_flow_cw_expected.yaml"},
		{"valid_vpc_flow_cw_custom.json", "version interface-id srcaddr dstaddr",
			"valid_vpc_flow_cw_custom_expected.yaml"},
		{"valid_tgw_flow_cw.json", tgw, "valid_tgw_flow_cw_expected.yaml"},
	}
	for _, p := range payloads {
		var payload cwPayload
		c.readJSON(t, dir+p.file, &payload)
		lines := c.parseLines(t, p.file, payload.messages(),
			always(mustFormat(t, p.format)))
		requireParsed(t, lines)
		c.expectOTel(t, lines, c.read(t, dir+p.golden))
	}
}

// expectOTel compares parsed lines with the records of a golden file, in
// order. Resource attributes (account, region) are compared only where the
// record has the field: for CloudWatch the collector takes the account
// from the payload's owner when the format has none.
func (c *corpus) expectOTel(t *testing.T, lines []parsedLine, golden []byte) {
	t.Helper()
	records := readOTelYAML(golden)
	if len(records) != len(lines) {
		t.Fatalf("%d golden records for %d lines", len(records), len(lines))
	}
	for i, l := range lines {
		rec := records[i]
		for _, key := range sortedKeys(rec.attrs) {
			c.expectOTelValue(t, l, key, rec.attrs[key], false)
		}
		for _, key := range sortedKeys(rec.resource) {
			c.expectOTelValue(t, l, key, rec.resource[key], true)
		}
		if ns, err := strconv.ParseInt(rec.timeNano, 10, 64); err == nil &&
			l.rec.Has(FieldEnd) {
			c.expect(t, l.where, &l.rec, FieldEnd, float64(ns/1e9))
		}
	}
}

// expectOTelValue compares one attribute. Attributes the collector adds
// (protocol name, log group, provider, encoding) are not in the record.
func (c *corpus) expectOTelValue(t *testing.T, l parsedLine, key, value string,
	resource bool) {
	t.Helper()
	f, ok := otelKeys[key]
	if !ok {
		switch key {
		case "network.protocol.name", "cloud.provider",
			"aws.log.group.names", "aws.log.stream.names":
		default:
			t.Errorf("%s: OpenTelemetry attribute %s names no field", l.where, key)
		}
		return
	}
	if resource && !l.rec.Has(f) {
		return
	}
	if word, ok := otelWords[value]; ok {
		value = word
	}
	c.expect(t, l.where, &l.rec, f, value)
}
