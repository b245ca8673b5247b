package ctim

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// loadJSON decodes a file of testdata into a fresh map.
func loadJSON(t testing.TB, name string) map[string]any {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("read %s: %v", name, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("decode %s: %v", name, err)
	}
	return doc
}

// toMap marshals v and decodes it back as a generic document.
func toMap(t testing.TB, v any) map[string]any {
	t.Helper()
	raw, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("decode marshalled %T: %v", v, err)
	}
	return doc
}

// messages returns the text of errs, failing if one is not a *Violation.
func messages(t *testing.T, errs []error) []string {
	t.Helper()
	var out []string
	for _, err := range errs {
		var v *Violation
		if !errors.As(err, &v) {
			t.Errorf("error %v is a %T, want a *Violation", err, err)
		}
		out = append(out, err.Error())
	}
	return out
}

// checkOne fails unless errs is exactly one violation reading want.
func checkOne(t *testing.T, errs []error, want string) {
	t.Helper()
	got := messages(t, errs)
	if !slices.Equal(got, []string{want}) {
		t.Errorf("violations = %q, want [%q]", got, want)
	}
}

// mutation changes a decoded document to break one rule.
type mutation func(doc map[string]any)

// set returns a mutation storing value at path, whose steps are map keys
// (string) or array indexes (int).
func set(value any, path ...any) mutation {
	return func(doc map[string]any) {
		parent, last := walk(doc, path)
		switch p := parent.(type) {
		case map[string]any:
			p[last.(string)] = value
		case []any:
			p[last.(int)] = value
		}
	}
}

// del returns a mutation removing the map key at path.
func del(path ...any) mutation {
	return func(doc map[string]any) {
		parent, last := walk(doc, path)
		delete(parent.(map[string]any), last.(string))
	}
}

// walk returns the container holding the last step of path, and that
// step.
func walk(doc map[string]any, path []any) (any, any) {
	var node any = doc
	for _, step := range path[:len(path)-1] {
		switch s := step.(type) {
		case string:
			node = node.(map[string]any)[s]
		case int:
			node = node.([]any)[s]
		}
	}
	return node, path[len(path)-1]
}
