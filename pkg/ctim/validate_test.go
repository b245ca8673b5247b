package ctim

import (
	"slices"
	"strings"
	"testing"
)

func TestValidateAcceptsSampleSighting(t *testing.T) {
	doc := loadJSON(t, "sighting.json")

	if got := messages(t, Validate(doc)); got != nil {
		t.Errorf("violations = %q, want none", got)
	}
}

func TestValidateAcceptsLimits(t *testing.T) {
	tests := []struct {
		name   string
		mutate mutation
	}{
		{"title of 1024 wide characters",
			set(strings.Repeat("é", 1024), "title")},
		{"description of 5000 characters",
			set(strings.Repeat("d", 5000), "description")},
		{"count of zero", set(0.0, "count")},
		{"count as a Go int", set(14, "count")},
		{"end_time equal to start_time",
			set("2026-12-04T14:52:11.000Z", "observed_time", "end_time")},
		{"no end_time", del("observed_time", "end_time")},
		{"URL id", set("https://private.intel.amp.cisco.com/ctia/"+
			"sighting/sighting-0d9e3c2b-1a4f-4e5d-8c7b-6a5f4e3d2c1b", "id")},
		{"null cell in optional column", set(nil, "data", "rows", 0, 4)},
		{"IPv4-mapped IPv6 address", set(map[string]any{
			"type": "ipv6", "value": "::ffff:10.0.1.5"}, "observables", 0)},
		{"empty observables of a target",
			set([]any{}, "targets", 0, "observables")},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			doc := loadJSON(t, "sighting.json")
			tc.mutate(doc)

			if got := messages(t, Validate(doc)); got != nil {
				t.Errorf("violations = %q, want none", got)
			}
		})
	}
}

// sightingRuleCases break one rule each in the sample sighting.
var sightingRuleCases = []struct {
	name   string
	mutate mutation
	want   string
}{
	{"type missing", del("type"), "type is required"},
	{"type unknown", set("sightings", "type"),
		`type is "sightings", not an entity type this validator knows`},
	{"schema_version missing", del("schema_version"),
		"schema_version is required"},
	{"schema_version not a version", set("1.1", "schema_version"),
		`schema_version is "1.1", want a version such as 1.1.12`},
	{"id missing", del("id"), "id is required"},
	{"id neither transient nor URL", set("sighting-123", "id"),
		`id is "sighting-123", want a transient: id or an http(s) URL`},
	{"id transient without name", set("transient:", "id"),
		`id is "transient:", want a transient: id or an http(s) URL`},
	{"confidence missing", del("confidence"), "confidence is required"},
	{"confidence outside vocabulary", set("Hgh", "confidence"),
		`confidence is "Hgh", want one of High, Medium, Low, Info, ` +
			`None, Unknown`},
	{"count missing", del("count"), "count is required"},
	{"count negative", set(-1.0, "count"),
		"count is -1, want an integer >= 0"},
	{"count fractional", set(1.5, "count"),
		"count is 1.5, want an integer"},
	{"count a string", set("14", "count"),
		"count is a string, want an integer"},
	{"observed_time missing", del("observed_time"),
		"observed_time is required"},
	{"start_time missing", del("observed_time", "start_time"),
		"observed_time.start_time is required"},
	{"end_time before start_time",
		set("2026-12-04T14:52:10.999Z", "observed_time", "end_time"),
		"observed_time.end_time is before start_time"},
	{"time without milliseconds",
		set("2026-12-04T14:52:11Z", "observed_time", "start_time"),
		`observed_time.start_time is "2026-12-04T14:52:11Z", want UTC ` +
			`with milliseconds such as 2026-12-04T14:52:11.000Z`},
	{"time with an offset", set("2026-12-04T15:10:00.000+00:00",
		"timestamp"), `timestamp is "2026-12-04T15:10:00.000+00:00", ` +
		`want UTC with milliseconds such as 2026-12-04T14:52:11.000Z`},
	{"time with microseconds", set("2026-12-04T15:10:00.000000Z",
		"timestamp"), `timestamp is "2026-12-04T15:10:00.000000Z", ` +
		`want UTC with milliseconds such as 2026-12-04T14:52:11.000Z`},
	{"time on no calendar day", set("2026-02-30T15:10:00.000Z",
		"timestamp"), `timestamp is "2026-02-30T15:10:00.000Z", ` +
		`want UTC with milliseconds such as 2026-12-04T14:52:11.000Z`},
	{"zero time", set("0001-01-01T00:00:00.000Z", "observed_time",
		"start_time"), `observed_time.start_time is ` +
		`"0001-01-01T00:00:00.000Z", outside the years 1970 to 2524`},
	{"time a number", set(1764860400.0, "timestamp"),
		"timestamp is a number, want a string"},
	{"severity outside vocabulary", set("Severe", "severity"),
		`severity is "Severe", want one of Critical, High, Medium, Low, ` +
			`Info, None, Unknown`},
	{"tlp clear", set("clear", "tlp"),
		`tlp is "clear", want one of white, green, amber, red`},
	{"resolution outside vocabulary", set("dropped", "resolution"),
		`resolution is "dropped", want one of allowed, blocked, ` +
			`contained, detected`},
	{"sensor outside vocabulary", set("network.flowlog", "sensor"),
		`sensor is "network.flowlog", want a value of the CTIM sensor ` +
			`vocabulary`},
	{"title too long", set(strings.Repeat("t", 1025), "title"),
		"title is 1025 characters, longer than 1024"},
	{"description too long",
		set(strings.Repeat("d", 5001), "description"),
		"description is 5001 characters, longer than 5000"},
	{"short_description too long",
		set(strings.Repeat("s", 2049), "short_description"),
		"short_description is 2049 characters, longer than 2048"},
	{"source too long", set(strings.Repeat("s", 2049), "source"),
		"source is 2049 characters, longer than 2048"},
	{"source_uri not a URI", set("console page", "source_uri"),
		`source_uri is "console page", want an absolute URI`},
	{"unknown top-level key", set("x", "bogus"),
		"bogus is not a field of a CTIM sighting"},
	{"internal a string", set("false", "internal"),
		"internal is a string, want a boolean"},
	{"external_ids holds a number", set([]any{1.0}, "external_ids"),
		"external_ids[0] is a number, want a string"},
	{"external reference without source_name",
		set([]any{map[string]any{"url": "https://example.com"}},
			"external_references"),
		"external_references[0].source_name is required"},
	{"revision negative", set(-2.0, "revision"),
		"revision is -2, want an integer >= 0"},
	{"observables not an array", set(map[string]any{}, "observables"),
		"observables is an object, want an array"},
	{"observable type outside vocabulary",
		set("ipv4", "observables", 0, "type"),
		`observables[0].type is "ipv4", want a value of the CTIM ` +
			`observable type vocabulary`},
	{"ip value out of range", set("10.0.1.256", "observables", 0, "value"),
		`observables[0].value is "10.0.1.256", not an IPv4 address`},
	{"ip value an IPv6 address",
		set("2001:db8::1", "observables", 0, "value"),
		`observables[0].value is "2001:db8::1", not an IPv4 address`},
	{"ipv6 value an IPv4 address", set(map[string]any{
		"type": "ipv6", "value": "10.0.1.5"}, "observables", 0),
		`observables[0].value is "10.0.1.5", not an IPv6 address`},
	{"ipv6 value with a zone", set(map[string]any{
		"type": "ipv6", "value": "fe80::1%eth0"}, "observables", 0),
		`observables[0].value is "fe80::1%eth0", not an IPv6 address`},
	{"observable value empty", set("", "observables", 1, "value"),
		"observables[1].value is empty"},
	{"observable value missing", del("observables", 0, "value"),
		"observables[0].value is required"},
	{"observable unknown key", set("web", "observables", 0, "label"),
		"observables[0].label is not a field of a CTIM observable"},
	{"relation origin missing", del("relations", 0, "origin"),
		"relations[0].origin is required"},
	{"relation outside vocabulary",
		set("Talked_To", "relations", 0, "relation"),
		`relations[0].relation is "Talked_To", want a value of the CTIM ` +
			`observed relation vocabulary`},
	{"relation source missing", del("relations", 1, "source"),
		"relations[1].source is required"},
	{"relation related missing", del("relations", 1, "related"),
		"relations[1].related is required"},
	{"relation source not an IPv4 address",
		set("1.2.3", "relations", 0, "source", "value"),
		`relations[0].source.value is "1.2.3", not an IPv4 address`},
	{"relation_info not an object",
		set([]any{}, "relations", 0, "relation_info"),
		"relations[0].relation_info is an array, want an object"},
	{"target type missing", del("targets", 0, "type"),
		"targets[0].type is required"},
	{"target type outside vocabulary",
		set("ec2-instance", "targets", 0, "type"),
		`targets[0].type is "ec2-instance", want a value of the CTIM ` +
			`sensor vocabulary`},
	{"target observables missing", del("targets", 0, "observables"),
		"targets[0].observables is required"},
	{"target observed_time missing", del("targets", 0, "observed_time"),
		"targets[0].observed_time is required"},
	{"target observed_time reversed", set("2026-12-04T14:00:00.000Z",
		"targets", 0, "observed_time", "end_time"),
		"targets[0].observed_time.end_time is before start_time"},
	{"target unknown key", set("web-1", "targets", 0, "name"),
		"targets[0].name is not a field of a CTIM target"},
	{"column type outside vocabulary",
		set("ip", "data", "columns", 0, "type"),
		`data.columns[0].type is "ip", want one of integer, number, ` +
			`string, url, markdown, observable`},
	{"column name missing", del("data", "columns", 1, "name"),
		"data.columns[1].name is required"},
	{"columns empty", func(doc map[string]any) {
		set([]any{}, "data", "columns")(doc)
		set([]any{}, "data", "rows")(doc)
		set(0.0, "data", "row_count")(doc)
	}, "data.columns is empty"},
	{"rows missing", del("data", "rows"), "data.rows is required"},
	{"row short of a cell", func(doc map[string]any) {
		row := doc["data"].(map[string]any)["rows"].([]any)[0].([]any)
		set(row[:4], "data", "rows", 0)(doc)
	}, "data.rows[0] has 4 cells for 5 columns"},
	{"row not an array", set("x", "data", "rows", 0),
		"data.rows[0] is a string, want an array"},
	{"row_count wrong", set(3.0, "data", "row_count"),
		"data.row_count is 3, but rows holds 2"},
	{"cell of the wrong type", set("443", "data", "rows", 0, 1),
		`data.rows[0][1] is "443", not a value of integer column ` +
			`"destination port"`},
	{"cell fractional in integer column", set(443.5, "data", "rows", 0, 1),
		`data.rows[0][1] is 443.5, not a value of integer column ` +
			`"destination port"`},
	{"cell null in required column", set(nil, "data", "rows", 1, 0),
		`data.rows[1][0] is null in required column "start"`},
	{"cell an invalid observable", set(map[string]any{
		"type": "ip", "value": "x"}, "data", "rows", 0, 3),
		`data.rows[0][3].value is "x", not an IPv4 address`},
	{"cell not a URL", set("eni-0a1b", "data", "rows", 0, 4),
		`data.rows[0][4] is "eni-0a1b", not a value of url column ` +
			`"interface"`},
	{"data unknown key", set("flows", "data", "title"),
		"data.title is not a field of a CTIM data table"},
}

func TestValidateSightingRules(t *testing.T) {
	for _, tc := range sightingRuleCases {
		t.Run(tc.name, func(t *testing.T) {
			doc := loadJSON(t, "sighting.json")
			tc.mutate(doc)

			checkOne(t, Validate(doc), tc.want)
		})
	}
}

func TestValidateReportsEveryViolation(t *testing.T) {
	doc := loadJSON(t, "sighting.json")
	delete(doc, "confidence")
	doc["tlp"] = "clear"
	set("bad", "observables", 0, "value")(doc)

	got := messages(t, Validate(doc))

	want := []string{
		"confidence is required",
		`observables[0].value is "bad", not an IPv4 address`,
		`tlp is "clear", want one of white, green, amber, red`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("violations = %q, want %q", got, want)
	}
}

func TestValidateDocumentWithoutType(t *testing.T) {
	checkOne(t, Validate(nil), "type is required")
	checkOne(t, Validate(map[string]any{"type": 3.0}),
		"type is a number, want a string")
}
