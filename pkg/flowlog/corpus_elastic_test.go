package flowlog

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// elasticFormats are the formats Elastic's pipelines tell apart by the
// number of values in a record (from the corpus's SOURCE.md files).
var elasticFormats = []string{
	defaultLogFormat,
	"instance-id interface-id srcaddr dstaddr pkt-srcaddr pkt-dstaddr",
	"version interface-id account-id vpc-id subnet-id instance-id srcaddr " +
		"dstaddr srcport dstport protocol tcp-flags type pkt-srcaddr " +
		"pkt-dstaddr action log-status",
	"version vpc-id subnet-id instance-id interface-id account-id type " +
		"srcaddr dstaddr srcport dstport pkt-srcaddr pkt-dstaddr protocol " +
		"bytes packets start end action tcp-flags log-status",
	benchV5Format,
	benchV5Format + ecsFields,
	benchV5Format + ecsFields + " reject-reason",
	"version resource-type account-id tgw-id tgw-attachment-id " +
		"tgw-src-vpc-account-id tgw-dst-vpc-account-id tgw-src-vpc-id " +
		"tgw-dst-vpc-id tgw-src-subnet-id tgw-dst-subnet-id tgw-src-eni " +
		"tgw-dst-eni tgw-src-az-id tgw-dst-az-id tgw-pair-attachment-id " +
		"srcaddr dstaddr srcport dstport protocol packets bytes start end " +
		"log-status type packets-lost-no-route packets-lost-blackhole " +
		"packets-lost-mtu-exceeded packets-lost-ttl-expired tcp-flags " +
		"region flow-direction pkt-src-aws-service pkt-dst-aws-service",
}

// ecsFields are the version 7 fields in the AWS order.
const ecsFields = " ecs-cluster-arn ecs-cluster-name " +
	"ecs-container-instance-arn ecs-container-instance-id ecs-container-id " +
	"ecs-second-container-id ecs-service-name ecs-task-definition-arn " +
	"ecs-task-arn ecs-task-id"

// byValueCount picks a format by the number of values in a line, as
// Elastic does for lines that come without a header. A line that matches
// none is read with the default format, as the relay would read it.
func byValueCount(t *testing.T) func(string) Format {
	formats := map[int]Format{}
	for _, s := range elasticFormats {
		f := mustFormat(t, s)
		formats[f.Len()] = f
	}
	return func(line string) Format {
		if f, ok := formats[len(strings.Fields(line))]; ok {
			return f
		}
		return DefaultFormat
	}
}

// elasticKeys maps the ECS names Elastic gives flow log values to the
// fields. Keys under aws.vpcflow. are the AWS names with underscores and
// need no entry; keys Elastic derives (geo data, community ids, ...) are
// not compared.
var elasticKeys = map[string]Field{
	"cloud.account.id":           FieldAccountID,
	"cloud.availability_zone":    FieldAZID,
	"cloud.region":               FieldRegion,
	"cloud.instance.id":          FieldInstanceID,
	"container.id":               FieldECSContainerID,
	"source.address":             FieldSrcAddr,
	"source.ip":                  FieldSrcAddr,
	"destination.address":        FieldDstAddr,
	"destination.ip":             FieldDstAddr,
	"source.port":                FieldSrcPort,
	"destination.port":           FieldDstPort,
	"event.action":               FieldAction,
	"event.reason":               FieldRejectReason,
	"event.start":                FieldStart,
	"event.end":                  FieldEnd,
	"network.bytes":              FieldBytes,
	"network.packets":            FieldPackets,
	"network.direction":          FieldFlowDirection,
	"network.iana_number":        FieldProtocol,
	"orchestrator.cluster.id":    FieldECSClusterARN,
	"orchestrator.cluster.name":  FieldECSClusterName,
	"orchestrator.resource.id":   FieldECSContainerInstanceID,
	"orchestrator.resource.name": FieldECSContainerInstanceARN,
	"service.name":               FieldECSServiceName,
}

// elasticAliases are aws.vpcflow. names of older Elastic versions.
var elasticAliases = map[string]Field{
	"pkt_src_service": FieldPktSrcAWSService,
	"pkt_dst_service": FieldPktDstAWSService,
}

// fieldValue is one value a source expects.
type fieldValue struct {
	field Field
	want  any
}

// elasticValues returns the flow log values of one flattened Elastic
// event.
//
// Older Elastic versions keep a "-" value as the string "-" (action,
// instance_id, cloud.region); newer ones drop it. The relay reads "-" as
// absent, which is what both mean. Elastic writes event.action in lower
// case; the relay keeps AWS's upper case, so the case is not compared.
func elasticValues(t *testing.T, event map[string]any) []fieldValue {
	t.Helper()
	var out []fieldValue
	for _, key := range sortedKeys(event) {
		v := event[key]
		if key == "event.action" {
			v = strings.ToUpper(v.(string))
		}
		if f, ok := elasticKeys[key]; ok {
			out = append(out, fieldValue{f, v})
			continue
		}
		name, ok := strings.CutPrefix(key, "aws.vpcflow.")
		if !ok || name == "tcp_flags_array" {
			continue
		}
		f, ok := elasticAliases[name]
		if !ok {
			if f, ok = LookupField(dashed(name)); !ok {
				t.Errorf("Elastic key %s names no field", key)
				continue
			}
		}
		out = append(out, fieldValue{f, v})
	}
	return out
}

// checkElasticEvents compares Elastic's expected events with the parsed
// lines, matching each event to its line by the original text.
func (c *corpus) checkElasticEvents(t *testing.T, lines []parsedLine,
	events []map[string]any) {
	t.Helper()
	for _, event := range events {
		flat := map[string]any{}
		flatten("", event, flat)
		original, _ := flat["event.original"].(string)
		if original == "" {
			original, _ = flat["message"].(string)
		}
		l, ok := findLine(lines, original)
		if !ok {
			t.Errorf("no corpus line holds the event's text %q", original)
			continue
		}
		values := elasticValues(t, flat)
		if l.err != nil && len(values) == 0 {
			// Elastic passes a line it cannot read through without flow
			// fields; the relay reports that it has the wrong count.
			requireError(t, l, ErrFieldCount)
			continue
		}
		for _, v := range values {
			c.expect(t, l.where, &l.rec, v.field, v.want)
		}
	}
}

// flatten turns nested JSON objects into dotted keys, as older Elastic
// files write them.
func flatten(prefix string, v map[string]any, out map[string]any) {
	for k, val := range v {
		if m, ok := val.(map[string]any); ok {
			flatten(prefix+k+".", m, out)
			continue
		}
		out[prefix+k] = val
	}
}

// checkElasticBeats parses Filebeat's module test logs and checks them
// against the expected events.
func checkElasticBeats(t *testing.T, c *corpus) {
	pick := byValueCount(t)
	for _, name := range []string{
		"accept-reject-traffic", "bad", "custom-nat-gateway",
		"custom-transit-gateway", "ipv6", "no-data-skip-data",
		"tcp-flag-sequence-skip-data", "tcp-flag-sequence",
	} {
		rel := "elastic-beats/" + name + ".log"
		lines := c.parseFile(t, rel, pick)
		if name != "bad" {
			requireParsed(t, lines)
		}
		var events []map[string]any
		c.readJSON(t, rel+"-expected.json", &events)
		c.checkElasticEvents(t, lines, events)
	}
}

// checkElasticProcessor parses the cases of Filebeat's processor: a
// format, samples, and golden events.
func checkElasticProcessor(t *testing.T, c *corpus) {
	const dir = "elastic-beats-processor/"
	c.skip(dir+"aws-vpc-flow-logs.yml", "the processor's YAML case file; "+
		"its formats and samples are read from samples/, extracted from it")
	for _, name := range []string{
		"custom-nat-gateway", "default-v2-format",
		"service-name-path-direction", "tcp-flag-sequence",
		"transit-gateway", "v5-fields", "v6-fields", "v7-fields",
	} {
		f := c.format(t, dir+"samples/"+name+".format")
		lines := c.parseFile(t, dir+"samples/"+name+".log", always(f))
		requireParsed(t, lines)
		golden := dir + name + ".golden.json"
		if _, err := os.Stat(filepath.Join(c.dir, golden)); err != nil {
			golden = dir + name + "-ecs.golden.json"
		}
		var events []map[string]any
		c.readJSON(t, golden, &events)
		if len(events) != len(lines) {
			t.Errorf("%s: %d events for %d samples", golden, len(events), len(lines))
		}
		c.checkElasticEvents(t, lines, events)
	}
}

// checkElasticIntegrations parses the pipeline tests of Elastic's AWS
// integration.
func checkElasticIntegrations(t *testing.T, c *corpus) {
	const dir = "elastic-integrations/"
	pick := byValueCount(t)
	for _, name := range []string{
		"test-extra-samples", "test-tcp-flag-sequence", "test-v5-all-fields",
		"test-v8-samples", "test-with-message-field",
	} {
		data := c.read(t, dir+name+".log")
		if name == "test-with-message-field" {
			data = unwrapMessages(t, data)
		}
		lines := c.parseLines(t, name, data, pick)
		requireParsed(t, lines)
		var exp struct{ Expected []map[string]any }
		c.readJSON(t, dir+name+".log-expected.json", &exp)
		c.checkElasticEvents(t, lines, exp.Expected)
	}
	// These come without expected values here: they must parse.
	for _, rel := range []string{
		"test-ecs-samples.log", "test-tgw-samples.log",
		"deploy-tf-files/test-extra-samples.log",
	} {
		requireParsed(t, c.parseFile(t, dir+rel, pick))
	}
}

// unwrapMessages turns lines of {"message": "..."} into the messages.
func unwrapMessages(t *testing.T, data []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	for _, line := range bytes.Split(bytes.TrimSpace(data), []byte("\n")) {
		var m struct{ Message string }
		mustUnmarshal(t, line, &m)
		out.WriteString(m.Message + "\n")
	}
	return out.Bytes()
}
