package main

import (
	"strings"
	"testing"

	"github.com/aws-vpc-flow-relay/relay/localstack/emutest"
)

// TestDemoRunsEndToEnd runs the demo the README's first command runs, on
// fewer records, and checks that every step it shows succeeded: each
// observe answer matches the seed's truth, the isolation round trip
// succeeds, and the five tiles print.
func TestDemoRunsEndToEnd(t *testing.T) {
	emutest.Need(t)
	t.Chdir(t.TempDir())
	var out strings.Builder
	if err := run(t.Context(), &out, 3000); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	tests := []struct {
		name, want string
		count      int
	}{
		{"health", `POST /health -> {"data":{"status":"ok"}}`, 1},
		{"observe answers match the truth", "matches the seed's ground truth", 4},
		{"isolate and un-isolate succeed",
			`-instance -> {"data":{"status":"success"}}`, 2},
		{"five tiles (flows twice)", "POST /tiles/tile-data", 6},
	}
	for _, tt := range tests {
		if got := strings.Count(text, tt.want); got != tt.count {
			t.Errorf("%s: %q appears %d times, want %d\n%s", tt.name, tt.want,
				got, tt.count, text)
		}
	}
}
