package respond

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/rs/zerolog"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// isolatedIface is a primary interface that holds only its isolation
// group.
var isolatedIface = Interface{ID: "eni-1", VPCID: "vpc-a", Groups: []Group{
	{ID: "sg-150a", Name: IsolationGroupName("vpc-a")}}}

func TestOffer(t *testing.T) {
	tests := []struct {
		name   string
		in     Instance
		wantID string
		title  string
	}{
		{"not isolated", Instance{ID: "i-1", Name: "web-1", State: "running"},
			ActionIsolate, "Isolate EC2 instance web-1 (i-1)"},
		{"isolated", Instance{ID: "i-1", State: "stopped",
			Interfaces: []Interface{isolatedIface},
			Tags:       map[string]string{recordPrefix + "1/1": "eni-1=sg-a"}},
			ActionUnisolate, "Un-isolate EC2 instance i-1"},
		{"isolated by the old relay", Instance{ID: "i-1", Name: "db",
			Interfaces: []Interface{isolatedIface},
			Tags:       map[string]string{LegacyTagKey: "sg-a::"}},
			ActionUnisolate, "Un-isolate EC2 instance db (i-1)"},
		{"damaged record", Instance{ID: "i-1",
			Tags: map[string]string{recordPrefix + "1/2": "eni-1=sg-a"}},
			ActionUnisolate, "Un-isolate EC2 instance i-1"},
		{"isolation group beside another group", Instance{ID: "i-1",
			Interfaces: []Interface{{ID: "eni-1", VPCID: "vpc-a",
				Groups: []Group{isolatedIface.Groups[0], {ID: "sg-b"}}}},
			Tags: map[string]string{recordPrefix + "1/1": "eni-1=sg-a"}},
			ActionIsolate, "Isolate EC2 instance i-1"},
		{"stale record", Instance{ID: "i-1",
			Interfaces: []Interface{{ID: "eni-1", VPCID: "vpc-a",
				Groups: []Group{{ID: "sg-a"}}}},
			Tags: map[string]string{LegacyTagKey: "sg-a::"}},
			ActionIsolate, "Isolate EC2 instance i-1"},
		{"one of two interfaces isolated", Instance{ID: "i-1",
			Interfaces: []Interface{isolatedIface, {ID: "eni-2", VPCID: "vpc-a",
				DeviceIndex: 1, Groups: []Group{{ID: "sg-b"}}}},
			Tags: map[string]string{recordPrefix + "1/1": "eni-1=sg-a"}},
			ActionIsolate, "Isolate EC2 instance i-1"},
		{"terminated", Instance{ID: "i-1", State: "terminated"}, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := Offer(tt.in, "ip", "10.0.0.5")
			if ok != (tt.wantID != "") || got.ID != tt.wantID || got.Title != tt.title {
				t.Fatalf("got %q %q %v, want %q %q", got.ID, got.Title, ok,
					tt.wantID, tt.title)
			}
			if ok && (got.QueryParams != QueryParams{"ip", "10.0.0.5"} ||
				!strings.Contains(got.Description, tt.in.Label())) {
				t.Errorf("got %+v, want the observable and the instance named", got)
			}
		})
	}
}

func TestParseTrigger(t *testing.T) {
	tests := []struct {
		name, action, typ, value string
		want                     string
		err                      string
	}{
		{"isolate an ip", ActionIsolate, "ip", "10.0.0.5", "10.0.0.5", ""},
		{"un-isolate an ipv6", ActionUnisolate, "ipv6", "2600:1f18::30", "2600:1f18::30", ""},
		{"mapped ipv4 as ipv6", ActionIsolate, "ipv6", "::ffff:10.0.0.5", "10.0.0.5", ""},
		{"no action", "", "ip", "10.0.0.5", "", "action-id"},
		{"no type", ActionIsolate, "", "10.0.0.5", "", "observable_type"},
		{"no value", ActionIsolate, "ip", "", "", "observable_value"},
		{"unknown action", "delete-instance", "ip", "10.0.0.5", "", "unknown action-id"},
		{"unsupported type", ActionIsolate, "domain", "example.com", "", "not supported"},
		{"ipv6 as ip", ActionIsolate, "ip", "2600:1f18::30", "", "not an ip address"},
		{"not an address", ActionIsolate, "ip", "10.0.0", "", "not an ip address"},
		{"zone", ActionIsolate, "ipv6", "fe80::1%eth0", "", "not an ipv6 address"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTrigger(tt.action, tt.typ, tt.value)
			if tt.err != "" {
				if failure.KindOf(err) != failure.InvalidArgument ||
					!strings.Contains(failure.MessageOf(err), tt.err) {
					t.Fatalf("got %v, want an invalid argument mentioning %q", err, tt.err)
				}
				return
			}
			if err != nil || got.Addr.String() != tt.want || got.ActionID != tt.action {
				t.Errorf("got %+v %v, want address %s", got, err, tt.want)
			}
		})
	}
}

func TestAuditLogLine(t *testing.T) {
	f := newFake()
	a, _ := Isolate(t.Context(), f, f.instance())
	a.Caller, a.Observable = "analyst@example.com", "10.0.0.5"
	var buf bytes.Buffer
	log := zerolog.New(&buf)
	log.Info().EmbedObject(a).Msg("respond")
	var got struct {
		Action, Caller, Outcome string
		InstanceID              string `json:"instance_id"`
		Interfaces              []struct {
			ID            string
			Before, After []string
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("decode %s: %v", buf.Bytes(), err)
	}
	if got.Action != ActionIsolate || got.Caller != "analyst@example.com" ||
		got.Outcome != OutcomeIsolated || got.InstanceID != "i-1" ||
		len(got.Interfaces) != 2 || got.Interfaces[1].After[0] != "sg-150b" ||
		got.Interfaces[1].Before[0] != "sg-0db1" {
		t.Errorf("got %s", buf.Bytes())
	}
	if strings.Count(buf.String(), "\n") != 1 {
		t.Errorf("got %q, want one line", buf.String())
	}
}
