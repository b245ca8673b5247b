package ctim

import (
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"testing"
	"time"
)

var transientSighting = regexp.MustCompile(
	`^transient:sighting-[0-9a-f]{32}$`)

func TestNewSighting(t *testing.T) {
	s := NewSighting()

	if s.Type != "sighting" {
		t.Errorf("Type = %q, want %q", s.Type, "sighting")
	}
	if s.SchemaVersion != SchemaVersion {
		t.Errorf("SchemaVersion = %q, want %q", s.SchemaVersion,
			SchemaVersion)
	}
	if !transientSighting.MatchString(s.ID) {
		t.Errorf("ID = %q, want transient:sighting-<32 hex>", s.ID)
	}
	if other := NewSighting(); other.ID == s.ID {
		t.Errorf("two sightings share the id %q", s.ID)
	}
}

func TestMinimalSightingMarshalsValid(t *testing.T) {
	s := NewSighting()
	s.Confidence = "High"
	s.ObservedTime = ObservedTime{StartTime: TimeOf(time.Now())}

	doc := toMap(t, s)

	if got := messages(t, Validate(doc)); got != nil {
		t.Errorf("violations = %q, want none", got)
	}
	gotKeys := slices.Sorted(maps.Keys(doc))
	wantKeys := []string{"confidence", "count", "id", "internal",
		"observed_time", "schema_version", "type"}
	if !slices.Equal(gotKeys, wantKeys) {
		t.Errorf("keys = %q, want %q", gotKeys, wantKeys)
	}
}

func TestFullSightingMarshalsValid(t *testing.T) {
	start := time.Date(2026, 12, 4, 9, 0, 0, 0, time.FixedZone("", -5*3600))
	local := Observable{Type: "ip", Value: "10.0.1.5"}
	peer := Observable{Type: "ip", Value: "203.0.113.7"}
	s := NewSighting()
	s.ExternalIDs = []string{ExternalID("aws-vpc-flow", "10.0.1.5")}
	s.Source, s.SourceURI = "AWS VPC Flow", "https://console.aws.amazon.com/"
	s.Title, s.Description = "Flows", "Accepted flows"
	s.Confidence, s.Severity, s.TLP = "High", "Unknown", "white"
	s.Count, s.Resolution, s.Sensor = 2, "allowed", "network.sensor"
	s.ObservedTime = ObservedBetween(start, start.Add(time.Minute))
	s.Timestamp = TimeOf(start.Add(time.Hour))
	s.Observables = []Observable{local}
	s.Relations = []ObservedRelation{{Origin: "AWS VPC Flow",
		Relation: "Connected_To", Source: local, Related: peer,
		RelationInfo: map[string]any{"destination_port": 443}}}
	s.Targets = []Target{{Type: "endpoint", Observables: []Observable{local},
		ObservedTime: s.ObservedTime}}
	s.Data = &DataTable{
		Columns: []Column{{Name: "port", Type: "integer"},
			Column{Name: "interface", Type: "string"}.Nullable()},
		Rows:     [][]any{{443, nil}, {80, "eni-0a1b2c3d"}},
		RowCount: 2,
	}

	if got := messages(t, Validate(toMap(t, s))); got != nil {
		t.Errorf("violations = %q, want none", got)
	}
}

func TestSightingRoundTripsSample(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "sighting.json"))
	if err != nil {
		t.Fatalf("read sample: %v", err)
	}
	var s Sighting
	if err := json.Unmarshal(raw, &s); err != nil {
		t.Fatalf("decode sample into Sighting: %v", err)
	}

	got := toMap(t, s)

	if want := loadJSON(t, "sighting.json"); !reflect.DeepEqual(got, want) {
		t.Errorf("round trip changed the sample:\n got %v\nwant %v",
			got, want)
	}
}

func TestRelationshipMarshalsValid(t *testing.T) {
	r := NewRelationship("member-of", NewID("sighting"), NewID("indicator"))
	r.ShortDescription = "part of"

	doc := toMap(t, r)

	if got := messages(t, Validate(doc)); got != nil {
		t.Errorf("violations = %q, want none", got)
	}
	if _, ok := doc["timestamp"]; ok {
		t.Errorf("zero timestamp was written: %v", doc["timestamp"])
	}
}

func TestNewIDFormatAndUniqueness(t *testing.T) {
	format := regexp.MustCompile(`^transient:relationship-[0-9a-f]{32}$`)
	seen := map[string]bool{}
	for range 10000 {
		id := NewID("relationship")
		if !format.MatchString(id) {
			t.Fatalf("NewID = %q, want transient:relationship-<32 hex>", id)
		}
		if seen[id] {
			t.Fatalf("NewID returned %q twice", id)
		}
		seen[id] = true
	}
}

func TestExternalID(t *testing.T) {
	tests := []struct {
		name   string
		prefix string
		parts  []string
		want   string
	}{
		// The expected values were computed outside Go, with SHA-256 over
		// each part's one-byte length and bytes. They must never change:
		// SecureX matches entities across answers by these ids.
		{"flow peer", "aws-vpc-flow-sighting",
			[]string{"10.0.1.5", "203.0.113.7", "ACCEPT"},
			"aws-vpc-flow-sighting-bda3963aec708838cf73fddb8a8d0de0" +
				"f7bb7275dd11427a6e0a9133df6dad6e"},
		{"no parts", "x", nil,
			"x-e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b" +
				"7852b855"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ExternalID(tc.prefix, tc.parts...); got != tc.want {
				t.Errorf("ExternalID = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestExternalIDSeparatesParts(t *testing.T) {
	pairs := [][2][]string{
		{{"ab", "c"}, {"a", "bc"}},
		{{"a", ""}, {"a"}},
		{{"10.0.1.5", "203.0.113.7"}, {"203.0.113.7", "10.0.1.5"}},
	}
	for _, p := range pairs {
		a, b := ExternalID("p", p[0]...), ExternalID("p", p[1]...)
		if a == b {
			t.Errorf("parts %q and %q share the id %s", p[0], p[1], a)
		}
	}
}
