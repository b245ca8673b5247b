package ctim

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// sampleAnswer returns the sample observe answer, changed by mutate, as
// a body.
func sampleAnswer(t *testing.T, mutate mutation) []byte {
	t.Helper()
	answer := loadJSON(t, "observe_response.json")
	if mutate != nil {
		mutate(answer)
	}
	body, err := json.Marshal(answer)
	if err != nil {
		t.Fatalf("marshal answer: %v", err)
	}
	return body
}

func TestValidateResponseAcceptsSample(t *testing.T) {
	body, err := os.ReadFile(filepath.Join("testdata", "observe_response.json"))
	if err != nil {
		t.Fatalf("read sample: %v", err)
	}

	if got := messages(t, ValidateResponse(body)); got != nil {
		t.Errorf("violations = %q, want none", got)
	}
}

func TestValidateResponseAcceptsErrorAnswers(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"fatal error", `{"errors": [{"type": "fatal",
			"code": "authorization error",
			"message": "Authorization header is missing"}]}`},
		{"partial result", `{"data": {"sightings": {"count": 0,
			"docs": []}}, "errors": [{"type": "warning",
			"code": "aws error", "message": "a log stream was skipped"}]}`},
		{"empty data", `{"data": {}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := messages(t, ValidateResponse([]byte(tc.body)))
			if got != nil {
				t.Errorf("violations = %q, want none", got)
			}
		})
	}
}

func TestValidateResponseRules(t *testing.T) {
	firstID := "transient:sighting-0d9e3c2b1a4f4e5d8c7b6a5f4e3d2c1b"
	tests := []struct {
		name   string
		mutate mutation
		want   string
	}{
		{"count above docs", set(3.0, "data", "sightings", "count"),
			"sightings.count is 3, but docs holds 2"},
		{"count missing", del("data", "relationships", "count"),
			"relationships.count is required"},
		{"docs not an array", set(map[string]any{}, "data", "indicators",
			"docs"), "indicators.docs is an object, want an array"},
		{"id repeated in a bucket", set(firstID, "data", "sightings",
			"docs", 1, "id"),
			"sightings.docs[1].id repeats the id of sightings.docs[0]"},
		{"id repeated across buckets", set(firstID, "data",
			"relationships", "docs", 0, "id"),
			"sightings.docs[0].id repeats the id of relationships.docs[0]"},
		{"document in the wrong bucket", moveRelationshipToSightings,
			`sightings.docs[2].type is "relationship", but this bucket ` +
				`holds "sighting"`},
		{"nested violation", set("2026-12-04T08:59:59.999Z", "data",
			"sightings", "docs", 0, "observed_time", "end_time"),
			"sightings.docs[0].observed_time.end_time is before start_time"},
		{"document not an object", set("x", "data", "sightings", "docs",
			1), "sightings.docs[1] is a string, want an object"},
		{"unknown bucket", set(map[string]any{}, "data", "incidents"),
			"incidents is not a CTIM bucket of a relay answer"},
		{"data not an object", set([]any{}, "data"),
			"data is an array, want an object"},
		{"unknown answer key", set("ok", "status"),
			"status is not a field of a relay answer"},
		{"error without code", set([]any{map[string]any{"type": "fatal",
			"message": "failed"}}, "errors"), "errors[0].code is required"},
		{"error of unknown type", set([]any{map[string]any{"type": "error",
			"code": "unknown", "message": "failed"}}, "errors"),
			`errors[0].type is "error", want one of fatal, warning`},
		{"neither data nor errors", del("data"),
			"the answer holds neither data nor errors"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			body := sampleAnswer(t, tc.mutate)

			checkOne(t, ValidateResponse(body), tc.want)
		})
	}
}

// moveRelationshipToSightings moves the sample's relationship into the
// sightings bucket, keeping both counts right.
func moveRelationshipToSightings(answer map[string]any) {
	data := answer["data"].(map[string]any)
	relationships := data["relationships"].(map[string]any)
	sightings := data["sightings"].(map[string]any)
	docs := append(sightings["docs"].([]any),
		relationships["docs"].([]any)...)
	sightings["docs"], sightings["count"] = docs, float64(len(docs))
	delete(data, "relationships")
}

func TestValidateResponseRejectsBadBodies(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"not JSON", `<html>`},
		{"an array", `[]`},
		{"trailing data", `{"data": {}} {"data": {}}`},
		{"empty", ``},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := messages(t, ValidateResponse([]byte(tc.body)))

			prefix := "the body is not one JSON object: "
			if len(got) != 1 || !strings.HasPrefix(got[0], prefix) {
				t.Errorf("violations = %q, want one starting %q",
					got, prefix)
			}
		})
	}
}

func BenchmarkValidate(b *testing.B) {
	doc := loadJSON(b, "sighting.json")
	for b.Loop() {
		if errs := Validate(doc); errs != nil {
			b.Fatalf("sample sighting invalid: %v", errs)
		}
	}
}

func BenchmarkValidateResponse(b *testing.B) {
	body, err := os.ReadFile(filepath.Join("testdata", "observe_response.json"))
	if err != nil {
		b.Fatalf("read sample: %v", err)
	}
	b.SetBytes(int64(len(body)))
	for b.Loop() {
		if errs := ValidateResponse(body); errs != nil {
			b.Fatalf("sample answer invalid: %v", errs)
		}
	}
}
