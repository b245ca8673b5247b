package flowlog

import (
	"errors"
	"slices"
	"testing"
)

// v2Fields are the default format's fields, in order.
var v2Fields = []Field{
	FieldVersion, FieldAccountID, FieldInterfaceID, FieldSrcAddr,
	FieldDstAddr, FieldSrcPort, FieldDstPort, FieldProtocol, FieldPackets,
	FieldBytes, FieldStart, FieldEnd, FieldAction, FieldLogStatus,
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		name       string
		input      string
		wantFields []Field
		wantString string
	}{
		{
			name:       "LogFormat",
			input:      "${version} ${srcaddr} ${dstaddr}",
			wantFields: []Field{FieldVersion, FieldSrcAddr, FieldDstAddr},
			wantString: "${version} ${srcaddr} ${dstaddr}",
		},
		{
			name:       "plain names as in an S3 header line",
			input:      "instance-id interface-id srcaddr\r\n",
			wantFields: []Field{FieldInstanceID, FieldInterfaceID, FieldSrcAddr},
			wantString: "${instance-id} ${interface-id} ${srcaddr}",
		},
		{
			name:       "mixed styles and runs of white space",
			input:      "  ${tcp-flags}\t\tflow-direction   ${traffic-path} ",
			wantFields: []Field{FieldTCPFlags, FieldFlowDirection, FieldTrafficPath},
			wantString: "${tcp-flags} ${flow-direction} ${traffic-path}",
		},
		{
			name:       "unknown names are kept",
			input:      "${version} ${future-field} srcaddr some_other",
			wantFields: []Field{FieldVersion, FieldUnknown, FieldSrcAddr, FieldUnknown},
			wantString: "${version} ${future-field} ${srcaddr} ${some_other}",
		},
		{
			name:       "transit gateway fields",
			input:      "resource-type tgw-id packets-lost-no-route",
			wantFields: []Field{FieldResourceType, FieldTGWID, FieldPacketsLostNoRoute},
			wantString: "${resource-type} ${tgw-id} ${packets-lost-no-route}",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFormat(tt.input)
			if err != nil {
				t.Fatalf("ParseFormat(%q): %v", tt.input, err)
			}
			if got := f.Fields(); !slices.Equal(got, tt.wantFields) {
				t.Errorf("Fields() = %v, want %v", got, tt.wantFields)
			}
			if got := f.Len(); got != len(tt.wantFields) {
				t.Errorf("Len() = %d, want %d", got, len(tt.wantFields))
			}
			if got := f.String(); got != tt.wantString {
				t.Errorf("String() = %q, want %q", got, tt.wantString)
			}
			again, err := ParseFormat(f.String())
			if err != nil || !slices.Equal(again.Fields(), tt.wantFields) {
				t.Errorf("ParseFormat(String()) = %v, %v; want %v",
					again.Fields(), err, tt.wantFields)
			}
		})
	}
}

func TestParseFormatErrors(t *testing.T) {
	tests := []struct {
		name  string
		input string
	}{
		{"empty", ""},
		{"white space only", " \t\r\n"},
		{"duplicate field", "${version} ${srcaddr} ${version}"},
		{"duplicate in two styles", "srcaddr ${srcaddr}"},
		{"duplicate unknown name", "foo bar foo"},
		{"unclosed brace", "${version} ${srcaddr"},
		{"empty braces", "${version} ${}"},
		{"stray dollar", "version $srcaddr"},
		{"two names in one token", "${version}${srcaddr}"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := ParseFormat(tt.input)
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("ParseFormat(%q) error = %v, want ErrFormat", tt.input, err)
			}
			if f.Len() != 0 {
				t.Errorf("failed ParseFormat returned %d fields", f.Len())
			}
		})
	}
}

func TestDefaultFormat(t *testing.T) {
	if got := DefaultFormat.Fields(); !slices.Equal(got, v2Fields) {
		t.Errorf("Fields() = %v, want %v", got, v2Fields)
	}
	want := "${version} ${account-id} ${interface-id} ${srcaddr} " +
		"${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} " +
		"${start} ${end} ${action} ${log-status}"
	if got := DefaultFormat.String(); got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}

func TestFormatHas(t *testing.T) {
	f, err := ParseFormat("${version} ${mystery} ${pkt-srcaddr}")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		field Field
		want  bool
	}{
		{"first field", FieldVersion, true},
		{"last field", FieldPktSrcAddr, true},
		{"absent field", FieldSrcAddr, false},
		{"unknown names are not FieldUnknown", FieldUnknown, false},
		{"out of range", Field(250), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := f.Has(tt.field); got != tt.want {
				t.Errorf("Has(%v) = %v, want %v", tt.field, got, tt.want)
			}
		})
	}
}

func TestFormatFieldsIsACopy(t *testing.T) {
	got := DefaultFormat.Fields()
	got[0] = FieldRegion
	if DefaultFormat.Fields()[0] != FieldVersion {
		t.Error("changing the slice from Fields changed DefaultFormat")
	}
}

func TestZeroFormat(t *testing.T) {
	var f Format
	var r Record
	if err := f.Parse([]byte("2"), &r); !errors.Is(err, ErrFormat) {
		t.Errorf("Parse with the zero Format: error = %v, want ErrFormat", err)
	}
	if got := f.String(); got != "" {
		t.Errorf("String() = %q, want empty", got)
	}
}

func TestFormatSharedByGoroutines(t *testing.T) {
	f := mustFormat(t, benchV5Format)
	errs := make(chan error, 4)
	for range 4 {
		go func() {
			var r Record
			for range 200 {
				if err := f.Parse([]byte(benchV5), &r); err != nil {
					errs <- err
					return
				}
				if r.TrafficPath != 8 {
					errs <- errors.New("wrong traffic path")
					return
				}
			}
			errs <- nil
		}()
	}
	for range 4 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

func TestParseAny(t *testing.T) {
	v5 := mustFormat(t, benchV5Format)
	tests := []struct {
		name    string
		formats []Format
		line    string
		want    error
	}{
		{"second format fits", []Format{v5, DefaultFormat}, benchV2, nil},
		{"no format fits", []Format{v5, DefaultFormat}, "not a record", ErrFieldCount},
		{"no format at all", nil, benchV2, ErrFormat},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var r Record
			if err := ParseAny(tt.formats, []byte(tt.line), &r); !errors.Is(err, tt.want) {
				t.Errorf("ParseAny: got %v, want %v", err, tt.want)
			}
		})
	}
}

func TestHasAddresses(t *testing.T) {
	tests := []struct {
		format string
		want   bool
	}{
		{defaultLogFormat, true},
		{"${pkt-srcaddr} ${pkt-dstaddr} ${action}", true},
		{"${srcaddr} ${pkt-dstaddr}", true},
		{"${srcaddr} ${action}", false},
	}
	for _, tt := range tests {
		if got := mustFormat(t, tt.format).HasAddresses(); got != tt.want {
			t.Errorf("HasAddresses(%q) = %v, want %v", tt.format, got, tt.want)
		}
	}
}
