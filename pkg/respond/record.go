package respond

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Tag limits and keys of the isolation record.
const (
	// MaxTagValue is the most characters AWS allows in a tag value.
	MaxTagValue = 256
	// LegacyTagKey is the old relay's record: the primary interface's
	// groups as "sg-a::sg-b::".
	LegacyTagKey = "Pre-Isolation-SG"
	// recordPrefix starts the key of every part of the relay's record;
	// "<part>/<parts>" follows, e.g. SecureX-Isolation-Record-1/2.
	recordPrefix = "SecureX-Isolation-Record-"
	// maxParts bounds the parts of a record: AWS allows 50 tags on a
	// resource, and the instance keeps room for its own.
	maxParts = 40
)

// Tag is one tag of an instance.
type Tag struct {
	Key   string
	Value string
}

// Entry is the groups one interface held before it was isolated.
type Entry struct {
	InterfaceID string
	Groups      []string
}

// Record is what isolation remembers of an instance: the groups of each
// interface it changed.
//
// In tags, each entry reads "eni-id=sg-a:sg-b", entries are separated by
// spaces, and the entries are spread over tags whose values stay within
// MaxTagValue; an interface with many groups continues in another entry
// for the same interface. Only characters that every AWS service accepts
// in tags are used.
type Record struct {
	Entries []Entry
	// Keys are the tags the record was read from, to remove them.
	Keys []string
	// Legacy reports that the record is the old relay's tag.
	Legacy bool
}

// groups returns every group id of the record once, in order.
func (r Record) groups() []string {
	var out []string
	for _, e := range r.Entries {
		for _, g := range e.Groups {
			if !slices.Contains(out, g) {
				out = append(out, g)
			}
		}
	}
	return out
}

// Tags encodes the record as instance tags. Its error means an id holds a
// character the format reserves, or the record needs more than 40 tags.
func (r Record) Tags() ([]Tag, error) {
	var p packer
	for _, e := range r.Entries {
		if err := p.add(e); err != nil {
			return nil, err
		}
	}
	values := append(p.values, p.value)
	if len(values) > maxParts {
		return nil, failure.New(failure.InvalidArgument,
			"the isolation record needs %d tags, more than the %d allowed",
			len(values), maxParts)
	}
	tags := make([]Tag, len(values))
	for i, v := range values {
		tags[i] = Tag{Key: partKey(i+1, len(values)), Value: v}
	}
	return tags, nil
}

// partKey returns the key of part i of n.
func partKey(i, n int) string {
	return recordPrefix + strconv.Itoa(i) + "/" + strconv.Itoa(n)
}

// packer fills tag values with entries, each value at most MaxTagValue
// characters, continuing an entry in the next value when it does not fit.
type packer struct {
	values []string
	value  string
}

// add appends one entry.
func (p *packer) add(e Entry) error {
	head := e.InterfaceID + "="
	first := ""
	if len(e.Groups) > 0 {
		first = e.Groups[0]
	}
	if err := checkID(e.InterfaceID); err != nil {
		return err
	}
	if p.value != "" && len(p.value)+1+len(head)+len(first) <= MaxTagValue {
		p.value += " " + head
	} else {
		p.next(head)
	}
	sep := ""
	for _, g := range e.Groups {
		if err := checkID(g); err != nil {
			return err
		}
		if len(p.value)+len(sep)+len(g) > MaxTagValue {
			p.next(head)
			sep = ""
		}
		if len(p.value)+len(g) > MaxTagValue {
			return failure.New(failure.Internal,
				"group id %.40q is too long for a tag", g)
		}
		p.value += sep + g
		sep = ":"
	}
	return nil
}

// next starts a new value with s.
func (p *packer) next(s string) {
	if p.value != "" {
		p.values = append(p.values, p.value)
	}
	p.value = s
}

// checkID refuses an empty id or one holding a character the record's
// format reserves.
func checkID(id string) error {
	if id == "" || strings.ContainsAny(id, " =:/") {
		return failure.New(failure.Internal,
			"id %.40q cannot be recorded in a tag", id)
	}
	return nil
}

// ReadRecord reads the isolation record among the instance's tags. It
// reports false when there is none. Its error, an invalid argument, names
// a damaged record: a missing part, a malformed entry, or both formats at
// once.
func ReadRecord(in Instance) (Record, bool, error) {
	legacy, hasLegacy := in.Tags[LegacyTagKey]
	parts, err := recordParts(in.Tags)
	if err != nil {
		return Record{}, false, fmt.Errorf("read record of %s: %w", in.ID, err)
	}
	switch {
	case hasLegacy && len(parts) > 0:
		return Record{}, false, failure.New(failure.InvalidArgument,
			"instance %s carries both the %s tag and %s* tags; remove the "+
				"stale one by hand", in.Label(), LegacyTagKey, recordPrefix)
	case hasLegacy:
		return legacyRecord(in, legacy)
	case len(parts) == 0:
		return Record{}, false, nil
	}
	return decodeParts(in, parts)
}

// recordParts returns the values of the record's tags in part order,
// checking that every part of one record is present.
func recordParts(tags map[string]string) ([]Tag, error) {
	var parts []Tag
	total := 0
	for k, v := range tags {
		rest, ok := strings.CutPrefix(k, recordPrefix)
		if !ok {
			continue
		}
		_, n, ok := partNumbers(rest)
		if !ok || (total != 0 && n != total) {
			return nil, damaged("tag %s does not belong to the record", k)
		}
		total = n
		parts = append(parts, Tag{Key: k, Value: v})
	}
	if len(parts) != total {
		return nil, damaged("%d of its %d tags are present", len(parts), total)
	}
	slices.SortFunc(parts, func(a, b Tag) int {
		return partIndex(a.Key) - partIndex(b.Key)
	})
	for i, p := range parts {
		if p.Key != partKey(i+1, total) {
			return nil, damaged("tag %s is missing", partKey(i+1, total))
		}
	}
	return parts, nil
}

// partNumbers reads "i/n" with 1 <= i <= n <= maxParts.
func partNumbers(s string) (int, int, bool) {
	a, b, ok := strings.Cut(s, "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || i < 1 || i > n || n > maxParts {
		return 0, 0, false
	}
	return i, n, true
}

// partIndex returns the part number of a record key, or 0.
func partIndex(key string) int {
	i, _, _ := partNumbers(strings.TrimPrefix(key, recordPrefix))
	return i
}

// damaged returns the error of a record that cannot be read.
func damaged(format string, args ...any) error {
	return failure.New(failure.InvalidArgument,
		"the isolation record in the instance's tags is damaged: "+format+
			"; nothing was changed", args...)
}

// decodeParts reads the entries of the record's tags.
func decodeParts(in Instance, parts []Tag) (Record, bool, error) {
	rec := Record{}
	index := map[string]int{}
	for _, p := range parts {
		rec.Keys = append(rec.Keys, p.Key)
		for _, token := range strings.Fields(p.Value) {
			id, list, ok := strings.Cut(token, "=")
			if !ok || id == "" {
				return Record{}, false, damaged("entry %.60q in %s", token, p.Key)
			}
			var groups []string
			if list != "" {
				groups = strings.Split(list, ":")
			}
			if slices.Contains(groups, "") {
				return Record{}, false, damaged("entry %.60q in %s", token, p.Key)
			}
			if n, seen := index[id]; seen {
				rec.Entries[n].Groups = append(rec.Entries[n].Groups, groups...)
				continue
			}
			index[id] = len(rec.Entries)
			rec.Entries = append(rec.Entries, Entry{InterfaceID: id, Groups: groups})
		}
	}
	return rec, true, nil
}

// legacyRecord reads the old relay's tag, which holds the groups of the
// primary interface as "sg-a::sg-b::".
func legacyRecord(in Instance, value string) (Record, bool, error) {
	primary, ok := in.primary()
	if !ok {
		return Record{}, false, failure.New(failure.InvalidArgument,
			"instance %s has the %s tag but no primary network interface",
			in.Label(), LegacyTagKey)
	}
	var groups []string
	for _, g := range strings.Split(value, "::") {
		if g = strings.TrimSpace(g); g != "" {
			groups = append(groups, g)
		}
	}
	return Record{
		Entries: []Entry{{InterfaceID: primary.ID, Groups: groups}},
		Keys:    []string{LegacyTagKey},
		Legacy:  true,
	}, true, nil
}

// staleRecordKeys returns the keys of tags that hold a part of a record,
// and the keys of read (the record the writer read, old relay's tag
// included), that are not among written. Two actions that each wrote a
// record, say after a lock was lost, can leave two sets of parts; whoever
// writes the record next removes every other part, so one record remains.
func staleRecordKeys(tags map[string]string, read Record, written []Tag) []string {
	var stale []string
	add := func(k string) {
		if !slices.Contains(stale, k) &&
			!slices.ContainsFunc(written, func(t Tag) bool { return t.Key == k }) {
			stale = append(stale, k)
		}
	}
	for k := range tags {
		if strings.HasPrefix(k, recordPrefix) {
			add(k)
		}
	}
	for _, k := range read.Keys {
		add(k)
	}
	slices.Sort(stale)
	return stale
}
