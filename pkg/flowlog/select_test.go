package flowlog

import (
	"errors"
	"strings"
	"testing"
)

// observeFields are the fields a search for an address reads.
var observeFields = []Field{FieldInterfaceID, FieldSrcAddr, FieldDstAddr,
	FieldSrcPort, FieldDstPort, FieldProtocol, FieldPackets, FieldBytes,
	FieldStart, FieldEnd, FieldAction, FieldLogStatus, FieldPktSrcAddr,
	FieldPktDstAddr}

func TestSelectReadsTheSameValues(t *testing.T) {
	full := mustFormat(t, benchV5Format)
	part := full.Select(observeFields...)
	lines := []string{
		benchV5,
		// Dashes and runs of spaces inside the skipped values.
		"5 - eni-1 10.0.0.1 10.0.0.2 22 40000 6 3 180 1700000000 1700000060 " +
			"REJECT OK -   -  - - - 10.0.0.1 10.0.0.2 - - - - - - - -",
	}
	for _, line := range lines {
		var want, got Record
		if err := full.Parse([]byte(line), &want); err != nil {
			t.Fatalf("full format: Parse(%q): %v", line, err)
		}
		if err := part.Parse([]byte(line), &got); err != nil {
			t.Fatalf("selected format: Parse(%q): %v", line, err)
		}
		for f := Field(1); f < fieldCount; f++ {
			gotText, gotHas := fieldText(&got, f)
			wantText, wantHas := fieldText(&want, f)
			selected := part.Has(f)
			if !selected {
				wantText, wantHas = zeroText(f), false
			}
			if gotText != wantText || gotHas != wantHas {
				t.Errorf("%s in %q: got %q (has %v), want %q (has %v)",
					f, line, gotText, gotHas, wantText, wantHas)
			}
		}
	}
}

// zeroText is how fieldText shows a field Parse did not fill.
func zeroText(f Field) string {
	text, _ := fieldText(&Record{}, f)
	return text
}

func TestSelectStillCountsValues(t *testing.T) {
	part := mustFormat(t, benchV5Format).Select(FieldSrcAddr, FieldDstAddr)
	tests := []struct {
		name, line string
		want       error
	}{
		{"one value short", benchV5[:len(benchV5)-2], ErrFieldCount},
		{"one value more", benchV5 + " 9", ErrFieldCount},
		{"trailing spaces", benchV5 + "   ", nil},
		{"bad selected value", strings.Replace(benchV5, "10.20.30.40", "10.20.30.400", 1),
			ErrValue},
		{"bad skipped value", strings.Replace(benchV5, "IPv4", "IPv4?", 1), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Record
			if err := part.Parse([]byte(tt.line), &r); !errors.Is(err, tt.want) {
				t.Errorf("Parse: got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestSelectKeepsTheFormat(t *testing.T) {
	full := mustFormat(t, benchV5Format)
	part := full.Select(FieldSrcAddr, FieldFlowDirection, FieldECSClusterName)
	if part.String() != full.String() || part.Len() != full.Len() {
		t.Errorf("got %q (%d fields), want %q (%d)", part, part.Len(), full, full.Len())
	}
	tests := []struct {
		field Field
		want  bool
	}{
		{FieldSrcAddr, true},
		{FieldFlowDirection, true},
		{FieldDstAddr, false},
		{FieldECSClusterName, false}, // not in the format at all
	}
	for _, tt := range tests {
		if got := part.Has(tt.field); got != tt.want {
			t.Errorf("Has(%s) = %v, want %v", tt.field, got, tt.want)
		}
	}
}

func TestSelectDoesNotAllocate(t *testing.T) {
	part := mustFormat(t, benchV5Format).Select(observeFields...)
	line := []byte(benchV5)
	var r Record
	allocs := testing.AllocsPerRun(100, func() {
		if err := part.Parse(line, &r); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("Parse allocates %v times per record, want 0", allocs)
	}
}

// FuzzSelect checks that a selected format accepts exactly the lines the
// full format accepts whose selected values fit, with the same values.
func FuzzSelect(f *testing.F) {
	for _, s := range []string{benchV5, benchV5 + "  ", "5 " + benchV5,
		strings.ReplaceAll(benchV5, " ", "   "), "- - - - - - - - - - - - - -"} {
		f.Add(s)
	}
	full := mustFormat(f, benchV5Format)
	part := full.Select(observeFields...)
	f.Fuzz(func(t *testing.T, line string) {
		var want, got Record
		wantErr := full.Parse([]byte(line), &want)
		gotErr := part.Parse([]byte(line), &got)
		if errors.Is(gotErr, ErrFieldCount) != errors.Is(wantErr, ErrFieldCount) {
			t.Fatalf("Parse(%q): selected format says %v, full format %v",
				line, gotErr, wantErr)
		}
		if wantErr != nil || gotErr != nil {
			return
		}
		for _, field := range observeFields {
			g, gh := fieldText(&got, field)
			w, wh := fieldText(&want, field)
			if g != w || gh != wh {
				t.Fatalf("%s in %q: got %q, want %q", field, line, g, w)
			}
		}
	})
}
