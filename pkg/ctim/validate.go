package ctim

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
)

// Violation is one way a document breaks a CTIM rule. Path locates the
// offending value in JSON terms, such as "observables[0].value"; it is
// empty when the problem is the document as a whole.
type Violation struct {
	Path    string
	Problem string
}

// Error returns the path followed by the problem, such as
// "observed_time.end_time is before start_time".
func (v *Violation) Error() string {
	if v.Path == "" {
		return v.Problem
	}
	return v.Path + " " + v.Problem
}

// Validate checks one decoded JSON document, as json.Unmarshal fills a
// map[string]any, against the CTIM rules for its "type". Sightings and
// relationships are checked in full, including their closed key sets;
// judgements, indicators and verdicts are checked for required fields,
// vocabularies, times and observables, but extra keys are not reported.
// It returns every violation found, each a *Violation naming the JSON
// path, or nil when the document is valid. Numbers may be float64 or
// json.Number.
func Validate(doc map[string]any) []error {
	c := &checker{}
	c.entity("", doc)
	return c.errs
}

// checker collects violations as a document is walked.
type checker struct {
	errs []error
}

// fail records a violation at path.
func (c *checker) fail(path, format string, args ...any) {
	c.errs = append(c.errs, &Violation{
		Path:    path,
		Problem: fmt.Sprintf(format, args...),
	})
}

// entity checks doc against the shape of its declared type.
func (c *checker) entity(path string, doc map[string]any) {
	typePath := child(path, "type")
	raw, present := doc["type"]
	if !present {
		c.fail(typePath, "is required")
		return
	}
	kind, ok := raw.(string)
	if !ok {
		c.fail(typePath, "is %s, want a string", kindOf(raw))
		return
	}
	s, known := entityShapes[kind]
	if !known {
		c.fail(typePath, "is %q, not an entity type this validator knows",
			kind)
		return
	}
	objectOf(s)(c, path, doc)
}

// rule checks the value found at path.
type rule func(c *checker, path string, value any)

// field says whether a key must be present and how its value is checked.
type field struct {
	required bool
	check    rule
}

// shape describes a JSON object. A closed shape reports keys it does not
// list; after, when set, runs checks that span several fields.
type shape struct {
	name   string
	closed bool
	fields map[string]field
	after  func(c *checker, path string, object map[string]any)
}

// object checks that value is an object of shape s and returns it.
func (c *checker) object(path string, value any, s shape,
) (map[string]any, bool) {
	m, ok := value.(map[string]any)
	if !ok {
		c.fail(path, "is %s, want an object", kindOf(value))
		return nil, false
	}
	for _, key := range slices.Sorted(maps.Keys(s.fields)) {
		if _, present := m[key]; !present && s.fields[key].required {
			c.fail(child(path, key), "is required")
		}
	}
	for _, key := range slices.Sorted(maps.Keys(m)) {
		f, known := s.fields[key]
		switch {
		case !known && s.closed:
			c.fail(child(path, key), "is not a field of a CTIM %s", s.name)
		case known && f.check != nil:
			f.check(c, child(path, key), m[key])
		}
	}
	return m, true
}

// objectOf returns a rule checking an object against s, and then the
// cross-field checks of s.
func objectOf(s shape) rule {
	return func(c *checker, path string, value any) {
		m, ok := c.object(path, value, s)
		if ok && s.after != nil {
			s.after(c, path, m)
		}
	}
}

// listOf returns a rule checking a JSON array whose items obey item.
func listOf(item rule) rule {
	return func(c *checker, path string, value any) {
		items, ok := value.([]any)
		if !ok {
			c.fail(path, "is %s, want an array", kindOf(value))
			return
		}
		for i, v := range items {
			item(c, index(path, i), v)
		}
	}
}

// anyObject accepts any JSON object, for CTIM's free maps.
func anyObject(c *checker, path string, value any) {
	if _, ok := value.(map[string]any); !ok {
		c.fail(path, "is %s, want an object", kindOf(value))
	}
}

// anyArray accepts any JSON array; its items are checked elsewhere.
func anyArray(c *checker, path string, value any) {
	if _, ok := value.([]any); !ok {
		c.fail(path, "is %s, want an array", kindOf(value))
	}
}

// child returns the path of key inside the object at path.
func child(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// index returns the path of item i of the array at path.
func index(path string, i int) string {
	return path + "[" + strconv.Itoa(i) + "]"
}

// merge returns one field set holding every key of sets; later sets win.
func merge(sets ...map[string]field) map[string]field {
	out := map[string]field{}
	for _, set := range sets {
		maps.Copy(out, set)
	}
	return out
}
