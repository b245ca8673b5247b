package ctim

import (
	"strings"
	"testing"
)

// validRelationship returns a decoded relationship that breaks no rule.
func validRelationship(t *testing.T) map[string]any {
	r := NewRelationship("sighting-of",
		"transient:sighting-0d9e3c2b1a4f4e5d8c7b6a5f4e3d2c1b",
		"https://private.intel.amp.cisco.com/ctia/indicator/"+
			"indicator-1f2e3d4c-5b6a-4798-9a8b-7c6d5e4f3a2b")
	r.Source = "AWS VPC Flow"
	r.Title = "Flow seen for a rejected-traffic indicator"
	return toMap(t, r)
}

// validJudgement returns a decoded judgement that breaks no rule.
func validJudgement() map[string]any {
	return map[string]any{
		"type":             "judgement",
		"schema_version":   SchemaVersion,
		"id":               "transient:judgement-8d7c6b5a",
		"source":           "AWS VPC Flow",
		"observable":       map[string]any{"type": "ip", "value": "10.0.1.5"},
		"disposition":      5.0,
		"disposition_name": "Unknown",
		"priority":         85.0,
		"confidence":       "High",
		"severity":         "Info",
		"valid_time": map[string]any{
			"start_time": "2026-12-04T00:00:00.000Z",
			"end_time":   "2026-12-11T00:00:00.000Z",
		},
		"reason": "seen in flow logs",
	}
}

// validVerdict returns a decoded verdict that breaks no rule.
func validVerdict() map[string]any {
	return map[string]any{
		"type":             "verdict",
		"disposition":      1.0,
		"disposition_name": "Clean",
		"observable":       map[string]any{"type": "ip", "value": "10.0.1.5"},
		"valid_time": map[string]any{
			"start_time": "2026-12-04T00:00:00.000Z"},
	}
}

// validIndicator returns a decoded indicator that breaks no rule.
func validIndicator() map[string]any {
	return map[string]any{
		"type":           "indicator",
		"schema_version": SchemaVersion,
		"id":             "transient:indicator-1f2e3d4c",
		"producer":       "AWS VPC Flow Relay",
		"valid_time":     map[string]any{},
		"tags":           []any{"vpc", "flow"},
	}
}

func TestValidateAcceptsOtherEntities(t *testing.T) {
	tests := []struct {
		name string
		doc  map[string]any
	}{
		{"relationship", validRelationship(t)},
		{"judgement", validJudgement()},
		{"verdict", validVerdict()},
		{"indicator", validIndicator()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := messages(t, Validate(tc.doc)); got != nil {
				t.Errorf("violations = %q, want none", got)
			}
		})
	}
}

func TestValidateRelationshipRules(t *testing.T) {
	tests := []struct {
		name   string
		mutate mutation
		want   string
	}{
		{"relationship_type missing", del("relationship_type"),
			"relationship_type is required"},
		{"relationship_type outside vocabulary",
			set("caused", "relationship_type"),
			`relationship_type is "caused", want a value of the CTIM ` +
				`relationship type vocabulary`},
		{"source_ref missing", del("source_ref"), "source_ref is required"},
		{"target_ref not a reference", set("indicator-1", "target_ref"),
			`target_ref is "indicator-1", want a transient: id or an ` +
				`http(s) URL`},
		{"schema_version missing", del("schema_version"),
			"schema_version is required"},
		{"sighting field", set(1.0, "count"),
			"count is not a field of a CTIM relationship"},
		{"title too long", set(strings.Repeat("t", 1025), "title"),
			"title is 1025 characters, longer than 1024"},
		{"tlp outside vocabulary", set("TLP:WHITE", "tlp"),
			`tlp is "TLP:WHITE", want one of white, green, amber, red`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := validRelationship(t)
			tc.mutate(doc)

			checkOne(t, Validate(doc), tc.want)
		})
	}
}

func TestValidateJudgementVerdictIndicatorRules(t *testing.T) {
	tests := []struct {
		name   string
		doc    func() map[string]any
		mutate mutation
		want   string
	}{
		{"judgement disposition_name mismatch", validJudgement,
			set("Malicious", "disposition_name"),
			`disposition_name is "Malicious", but disposition 5 is ` +
				`"Unknown"`},
		{"judgement priority above 100", validJudgement,
			set(101.0, "priority"),
			"priority is 101, want an integer from 0 to 100"},
		{"judgement priority a string", validJudgement,
			set("high", "priority"),
			"priority is a string, want an integer"},
		{"judgement source missing", validJudgement, del("source"),
			"source is required"},
		{"judgement valid_time reversed", validJudgement,
			set("2026-12-01T00:00:00.000Z", "valid_time", "end_time"),
			"valid_time.end_time is before start_time"},
		{"judgement observable missing", validJudgement,
			del("observable"), "observable is required"},
		{"verdict disposition out of range", validVerdict,
			set(6.0, "disposition"),
			"disposition is 6, want an integer from 1 to 5"},
		{"verdict observable missing", validVerdict, del("observable"),
			"observable is required"},
		{"verdict disposition_name unknown", validVerdict,
			set("Bad", "disposition_name"),
			`disposition_name is "Bad", want one of Clean, Malicious, ` +
				`Suspicious, Common, Unknown`},
		{"indicator producer missing", validIndicator, del("producer"),
			"producer is required"},
		{"indicator valid_time missing", validIndicator, del("valid_time"),
			"valid_time is required"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := tc.doc()
			tc.mutate(doc)

			checkOne(t, Validate(doc), tc.want)
		})
	}
}
