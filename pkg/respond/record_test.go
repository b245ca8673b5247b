package respond

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

// groupIDs returns n realistic group ids.
func groupIDsN(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = fmt.Sprintf("sg-0%016x", 0xabc0000+i)
	}
	return out
}

// tagMap turns tags into an instance's tag map.
func tagMap(tags []Tag) map[string]string {
	m := map[string]string{}
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}

func TestRecordRoundTrip(t *testing.T) {
	many := make([]Entry, 16)
	for i := range many {
		many[i] = Entry{InterfaceID: fmt.Sprintf("eni-0%016x", i), Groups: groupIDsN(16)}
	}
	tests := []struct {
		name    string
		entries []Entry
		parts   int
	}{
		{"one interface, two groups",
			[]Entry{{"eni-0aaaaaaaaaaaaaaa1", []string{"sg-1", "sg-2"}}}, 1},
		{"fifteen groups need two tags",
			[]Entry{{"eni-0aaaaaaaaaaaaaaa1", groupIDsN(15)}}, 2},
		{"two interfaces",
			[]Entry{{"eni-1", []string{"sg-1"}}, {"eni-2", []string{"sg-1", "sg-3"}}}, 1},
		{"sixteen interfaces of sixteen groups", many, 24},
		{"an interface without groups", []Entry{{"eni-1", nil}}, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tags, err := Record{Entries: tt.entries}.Tags()
			if err != nil {
				t.Fatal(err)
			}
			if len(tags) != tt.parts {
				t.Errorf("got %d tags, want %d", len(tags), tt.parts)
			}
			for _, tag := range tags {
				if len(tag.Value) > MaxTagValue || len(tag.Key) > 128 {
					t.Errorf("tag %s is %d characters long", tag.Key, len(tag.Value))
				}
			}
			got, ok, err := ReadRecord(Instance{ID: "i-1", Tags: tagMap(tags)})
			if err != nil || !ok {
				t.Fatalf("read back: %v %v", ok, err)
			}
			if !entriesEqual(got.Entries, tt.entries) {
				t.Errorf("got %v, want %v", got.Entries, tt.entries)
			}
			if len(got.Keys) != len(tags) || got.Legacy {
				t.Errorf("got keys %v legacy %v, want the %d keys", got.Keys,
					got.Legacy, len(tags))
			}
		})
	}
}

// entriesEqual compares entries, treating nil and empty group lists alike.
func entriesEqual(a, b []Entry) bool {
	return slices.EqualFunc(a, b, func(x, y Entry) bool {
		return x.InterfaceID == y.InterfaceID && slices.Equal(x.Groups, y.Groups)
	})
}

func TestRecordTagsRefuseReservedCharacters(t *testing.T) {
	for _, id := range []string{"", "sg-1 2", "sg=1", "sg:1", "sg/1"} {
		_, err := Record{Entries: []Entry{{"eni-1", []string{id}}}}.Tags()
		if err == nil {
			t.Errorf("group id %q: got no error", id)
		}
	}
}

func TestRecordTagsRefuseTooManyParts(t *testing.T) {
	var entries []Entry
	for i := range 60 {
		entries = append(entries, Entry{fmt.Sprintf("eni-%d", i), groupIDsN(16)})
	}
	if _, err := (Record{Entries: entries}).Tags(); err == nil {
		t.Error("got no error for a record of 60 full interfaces")
	}
}

func TestReadRecord(t *testing.T) {
	primary := Instance{ID: "i-1", Interfaces: []Interface{
		{ID: "eni-2", DeviceIndex: 1}, {ID: "eni-1", DeviceIndex: 0}}}
	two, _ := Record{Entries: []Entry{{"eni-1", groupIDsN(15)}}}.Tags()
	tests := []struct {
		name   string
		tags   map[string]string
		want   []Entry
		ok     bool
		legacy bool
		err    string
	}{
		{"no record", map[string]string{"Name": "web"}, nil, false, false, ""},
		{"old relay format", map[string]string{LegacyTagKey: "sg-a::sg-b::"},
			[]Entry{{"eni-1", []string{"sg-a", "sg-b"}}}, true, true, ""},
		{"old relay format without trailing colons",
			map[string]string{LegacyTagKey: "sg-a::sg-b"},
			[]Entry{{"eni-1", []string{"sg-a", "sg-b"}}}, true, true, ""},
		{"old relay format, empty", map[string]string{LegacyTagKey: ""},
			[]Entry{{"eni-1", nil}}, true, true, ""},
		{"split entries merge", map[string]string{
			recordPrefix + "1/2": "eni-1=sg-a:sg-b",
			recordPrefix + "2/2": "eni-1=sg-c eni-2=sg-a"},
			[]Entry{{"eni-1", []string{"sg-a", "sg-b", "sg-c"}}, {"eni-2", []string{"sg-a"}}},
			true, false, ""},
		{"a missing part", map[string]string{recordPrefix + "1/2": two[0].Value},
			nil, false, false, "1 of its 2 tags"},
		{"parts of two records", map[string]string{recordPrefix + "1/2": "eni-1=sg-a",
			recordPrefix + "1/1": "eni-1=sg-b"}, nil, false, false, "damaged"},
		{"a bad part number", map[string]string{recordPrefix + "x": "eni-1=sg-a"},
			nil, false, false, "damaged"},
		{"an entry without =", map[string]string{recordPrefix + "1/1": "eni-1"},
			nil, false, false, "damaged"},
		{"an empty group", map[string]string{recordPrefix + "1/1": "eni-1=sg-a::sg-b"},
			nil, false, false, "damaged"},
		{"both formats", map[string]string{recordPrefix + "1/1": "eni-1=sg-a",
			LegacyTagKey: "sg-a::"}, nil, false, false, "both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := primary
			in.Tags = tt.tags
			got, ok, err := ReadRecord(in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("got error %v, want one mentioning %q", err, tt.err)
				}
				return
			}
			if err != nil || ok != tt.ok || got.Legacy != tt.legacy ||
				!entriesEqual(got.Entries, tt.want) {
				t.Errorf("got %v %v %v %v, want %v %v %v", got.Entries, ok,
					got.Legacy, err, tt.want, tt.ok, tt.legacy)
			}
			wantKeys := slices.Sorted(maps.Keys(tt.tags))
			if ok && !slices.Equal(wantKeys, slices.Sorted(slices.Values(got.Keys))) {
				t.Errorf("got keys %v, want every record tag", got.Keys)
			}
		})
	}
}

func TestStaleRecordKeys(t *testing.T) {
	written := []Tag{{Key: recordPrefix + "1/2"}, {Key: recordPrefix + "2/2"}}
	tests := []struct {
		name string
		tags map[string]string
		read Record
		want []string
	}{
		{"nothing else", map[string]string{recordPrefix + "1/2": "x", "Name": "web"},
			Record{}, nil},
		{"another writer's parts", map[string]string{recordPrefix + "1/5": "x",
			recordPrefix + "5/5": "y", recordPrefix + "2/2": "z"}, Record{},
			[]string{recordPrefix + "1/5", recordPrefix + "5/5"}},
		{"the old relay's tag read", map[string]string{LegacyTagKey: "sg-a::"},
			Record{Keys: []string{LegacyTagKey}}, []string{LegacyTagKey}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := staleRecordKeys(tt.tags, tt.read, written); !slices.Equal(got, tt.want) {
				t.Errorf("staleRecordKeys() = %v, want %v", got, tt.want)
			}
		})
	}
}
