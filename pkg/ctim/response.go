package ctim

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"maps"
	"slices"
)

// buckets maps each key of an observe or deliberate answer's data to the
// entity type its documents must have.
var buckets = map[string]string{
	"sightings":     TypeSighting,
	"relationships": TypeRelationship,
	"judgements":    TypeJudgement,
	"indicators":    TypeIndicator,
	"verdicts":      TypeVerdict,
}

var bucketShape = shape{
	name:   "bucket",
	closed: true,
	fields: map[string]field{
		"count": {required: true, check: nonNegative},
		"docs":  {required: true, check: anyArray},
	},
}

var relayErrorShape = shape{
	name:   "relay error",
	closed: true,
	fields: map[string]field{
		"type": {
			required: true,
			check:    oneOf(newVocabulary("error type", "fatal", "warning")),
		},
		"code":    {required: true, check: text(0)},
		"message": {required: true, check: text(0)},
	},
}

// ValidateResponse checks a relay answer body such as
// {"data": {"sightings": {"count": 1, "docs": [...]}}}: every document in
// every bucket is checked with Validate and must have the bucket's type,
// each count must equal the number of docs, and no two documents may share
// an id. An answer may carry errors instead of data, or beside it; each
// error needs type, code and message. Paths start at the bucket, as in
// "sightings.docs[0].observed_time.end_time is before start_time".
func ValidateResponse(body []byte) []error {
	var answer map[string]any
	decoder := json.NewDecoder(bytes.NewReader(body))
	decoder.UseNumber()
	err := decoder.Decode(&answer)
	if err == nil && decoder.Decode(new(any)) != io.EOF {
		err = errors.New("data follows the JSON object")
	}
	if err != nil {
		return []error{&Violation{
			Problem: "the body is not one JSON object: " + err.Error(),
		}}
	}
	c := &checker{}
	c.answer(answer)
	return c.errs
}

// answer checks the top level of a relay answer.
func (c *checker) answer(answer map[string]any) {
	data, hasData := answer["data"]
	errs, hasErrors := answer["errors"]
	if !hasData && !hasErrors {
		c.fail("", "the answer holds neither data nor errors")
	}
	for _, key := range slices.Sorted(maps.Keys(answer)) {
		if key != "data" && key != "errors" {
			c.fail(key, "is not a field of a relay answer")
		}
	}
	if hasErrors {
		listOf(objectOf(relayErrorShape))(c, "errors", errs)
	}
	if hasData {
		c.data(data)
	}
}

// data checks each bucket of an answer's data, and that ids are unique
// across all of them.
func (c *checker) data(value any) {
	m, ok := value.(map[string]any)
	if !ok {
		c.fail("data", "is %s, want an object", kindOf(value))
		return
	}
	seen := map[string]string{}
	for _, key := range slices.Sorted(maps.Keys(m)) {
		want, known := buckets[key]
		if !known {
			c.fail(key, "is not a CTIM bucket of a relay answer")
			continue
		}
		c.bucket(key, m[key], want, seen)
	}
}

// bucket checks one {"count", "docs"} bucket whose documents must all be
// of type want. seen maps each id met so far to the path it was met at.
func (c *checker) bucket(path string, value any, want string,
	seen map[string]string) {
	m, ok := c.object(path, value, bucketShape)
	if !ok {
		return
	}
	docs, ok := m["docs"].([]any)
	if !ok {
		return
	}
	n, ok := wholeNumber(m["count"])
	if ok && n != len(docs) {
		c.fail(child(path, "count"), "is %d, but docs holds %d", n, len(docs))
	}
	for i, doc := range docs {
		c.document(index(child(path, "docs"), i), doc, want, seen)
	}
}

// document checks one document of a bucket whose type must be want.
func (c *checker) document(path string, value any, want string,
	seen map[string]string) {
	doc, ok := value.(map[string]any)
	if !ok {
		c.fail(path, "is %s, want an object", kindOf(value))
		return
	}
	if kind, ok := doc["type"].(string); ok && kind != want {
		c.fail(child(path, "type"), "is %q, but this bucket holds %q",
			kind, want)
	}
	c.entity(path, doc)
	id, ok := doc["id"].(string)
	if !ok {
		return
	}
	if first, repeated := seen[id]; repeated {
		c.fail(child(path, "id"), "repeats the id of %s", first)
		return
	}
	seen[id] = path
}
