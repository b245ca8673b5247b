package ctim

import (
	"encoding/json"
	"math"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// CTIM's string length limits, in characters.
const (
	shortStringMax = 1024 // title, language, reason
	medStringMax   = 2048 // source, short_description, ids, URIs
	longStringMax  = 5000 // description and other Markdown
)

var (
	timePattern = regexp.MustCompile(
		`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$`)
	versionPattern = regexp.MustCompile(`^\d+\.\d+\.\d+(-SNAPSHOT)?$`)
)

// kindOf names the JSON kind of a decoded value for messages.
func kindOf(value any) string {
	switch value.(type) {
	case nil:
		return "null"
	case string:
		return "a string"
	case bool:
		return "a boolean"
	case float64, json.Number, int, int64:
		return "a number"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	default:
		return "a value JSON cannot hold"
	}
}

// wholeNumber returns value as an int when it is a JSON integer.
func wholeNumber(value any) (int, bool) {
	switch n := value.(type) {
	case float64:
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return 0, false
		}
		return int(n), true
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil
	case int:
		return n, true
	case int64:
		return int(n), true
	}
	return 0, false
}

// isNumber reports whether value is a JSON number.
func isNumber(value any) bool {
	switch value.(type) {
	case float64, json.Number, int, int64:
		return true
	}
	return false
}

// str checks that value is a string of at most limit characters; a limit
// of 0 means none.
func (c *checker) str(path string, value any, limit int) (string, bool) {
	s, ok := value.(string)
	if !ok {
		c.fail(path, "is %s, want a string", kindOf(value))
		return "", false
	}
	if n := utf8.RuneCountInString(s); limit > 0 && n > limit {
		c.fail(path, "is %d characters, longer than %d", n, limit)
		return "", false
	}
	return s, true
}

// text returns a rule for a string of at most limit characters.
func text(limit int) rule {
	return func(c *checker, path string, value any) {
		c.str(path, value, limit)
	}
}

// oneOf returns a rule for a string from vocabulary v.
func oneOf(v vocabulary) rule {
	return func(c *checker, path string, value any) {
		if s, ok := c.str(path, value, 0); ok && !v.has(s) {
			c.fail(path, "is %q, want %s", s, v.describe())
		}
	}
}

// boolean accepts true or false.
func boolean(c *checker, path string, value any) {
	if _, ok := value.(bool); !ok {
		c.fail(path, "is %s, want a boolean", kindOf(value))
	}
}

// integer returns a rule for a whole number from low to high; a high of
// math.MaxInt means no upper bound.
func integer(low, high int) rule {
	return func(c *checker, path string, value any) {
		n, ok := wholeNumber(value)
		switch {
		case !ok && isNumber(value):
			c.fail(path, "is %v, want an integer", value)
		case !ok:
			c.fail(path, "is %s, want an integer", kindOf(value))
		case n < low && high == math.MaxInt:
			c.fail(path, "is %d, want an integer >= %d", n, low)
		case n < low || n > high:
			c.fail(path, "is %d, want an integer from %d to %d",
				n, low, high)
		}
	}
}

// nonNegative accepts a whole number of zero or more.
var nonNegative = integer(0, math.MaxInt)

// stringList accepts an array of strings.
var stringList = listOf(text(0))

// parseTime returns value as a time when it is a string in TimeLayout.
func parseTime(value any) (time.Time, bool) {
	s, ok := value.(string)
	if !ok || !timePattern.MatchString(s) {
		return time.Time{}, false
	}
	t, err := time.Parse(TimeLayout, s)
	return t, err == nil
}

// timestamp accepts a time string in exactly TimeLayout, in the years
// CTIM deems relevant. The year check catches a zero time.Time.
func timestamp(c *checker, path string, value any) {
	s, ok := c.str(path, value, 0)
	if !ok {
		return
	}
	t, ok := parseTime(s)
	switch {
	case !ok:
		c.fail(path, "is %q, want UTC with milliseconds "+
			"such as 2026-12-04T14:52:11.000Z", s)
	case t.Year() < 1970 || t.Year() > 2524:
		c.fail(path, "is %q, outside the years 1970 to 2524", s)
	}
}

// uri accepts an absolute URI of at most 2048 characters.
func uri(c *checker, path string, value any) {
	s, ok := c.str(path, value, medStringMax)
	if !ok {
		return
	}
	parsed, err := url.Parse(s)
	if err != nil || parsed.Scheme == "" ||
		strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		c.fail(path, "is %q, want an absolute URI", s)
	}
}

// entityID accepts a transient id ("transient:" and a name) or an http(s)
// URL, of at most 2048 characters: CTIM's two forms of entity id.
func entityID(c *checker, path string, value any) {
	s, ok := c.str(path, value, medStringMax)
	if !ok {
		return
	}
	if name, cut := strings.CutPrefix(s, "transient:"); cut {
		if name != "" && strings.IndexFunc(name, unicode.IsSpace) < 0 {
			return
		}
	} else if isWebURL(s) {
		return
	}
	c.fail(path, "is %q, want a transient: id or an http(s) URL", s)
}

// isWebURL reports whether s is an http or https URL with a host.
func isWebURL(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return false
	}
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return false
	}
	return u.Scheme == "http" || u.Scheme == "https"
}

// schemaVersion accepts a CTIM version such as 1.1.12.
func schemaVersion(c *checker, path string, value any) {
	s, ok := c.str(path, value, 0)
	if ok && !versionPattern.MatchString(s) {
		c.fail(path, "is %q, want a version such as %s", s, SchemaVersion)
	}
}
