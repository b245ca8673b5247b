package flowlog

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"unsafe"
)

// fuzzFormats are the formats FuzzParse chooses from: the default, the v5
// one, every known field, and one with unknown names.
func fuzzFormats(t testing.TB) []Format {
	var all []string
	for f := FieldUnknown + 1; f < fieldCount; f++ {
		all = append(all, f.String())
	}
	return []Format{
		DefaultFormat,
		mustFormat(t, benchV5Format),
		mustFormat(t, strings.Join(all, " ")),
		mustFormat(t, "${future} srcaddr ${other} start action"),
	}
}

// FuzzParse checks that Parse never panics, returns only its documented
// errors, and on success leaves a record that keeps its promises.
func FuzzParse(f *testing.F) {
	seeds := []string{
		benchV2, benchV5, benchIPv6, v2Line + "\r\n", "", " ", "-", "- - -",
		"2 123456789010 eni-1 - - - - - - - 1431280876 1431280934 - NODATA",
		"5 52.95.128.179 10.0.0.71 80 34210 6 1616729292 1616729349 IPv4 14",
		"::ffff:1.2.3.4 1:2:3:4:5:6:7:8 99999999999999999999 ACCEPT",
	}
	for i, s := range seeds {
		f.Add(s, uint8(i))
	}
	formats := fuzzFormats(f)
	f.Fuzz(func(t *testing.T, line string, which uint8) {
		format := formats[int(which)%len(formats)]
		b := []byte(line)
		var r Record
		err := format.Parse(b, &r)
		if err != nil {
			if !errors.Is(err, ErrValue) && !errors.Is(err, ErrFieldCount) {
				t.Fatalf("Parse(%q) returned an undocumented error: %v", line, err)
			}
			return
		}
		checkParsed(t, &format, b, &r)
	})
}

// checkParsed checks what a successful Parse promises about r.
func checkParsed(t *testing.T, format *Format, line []byte, r *Record) {
	t.Helper()
	for f := FieldUnknown; f < fieldCount; f++ {
		if r.Has(f) && !format.Has(f) {
			t.Fatalf("record has %s, which the format lacks", f)
		}
		if fields[f].kind != kindText || f == FieldUnknown {
			continue
		}
		v := *r.textAt(fieldOffsets[f])
		if r.Has(f) != (v != nil) {
			t.Fatalf("%s = %q but Has is %v", f, v, r.Has(f))
		}
		if len(v) > 0 && !within(v, line) {
			t.Fatalf("%s = %q does not alias the line", f, v)
		}
		if string(v) == "-" || strings.Contains(string(v), " ") {
			t.Fatalf("%s = %q holds a dash or a separator", f, v)
		}
	}
	if r.SrcPort < 0 || r.SrcPort > 65535 || r.Protocol < 0 || r.Protocol > 255 {
		t.Fatalf("SrcPort %d or Protocol %d out of range", r.SrcPort, r.Protocol)
	}
	if r.Has(FieldSrcAddr) != r.SrcAddr.IsValid() {
		t.Fatalf("SrcAddr = %v but Has is %v", r.SrcAddr, r.Has(FieldSrcAddr))
	}
}

// within reports whether v lies inside line.
func within(v, line []byte) bool {
	if len(line) == 0 {
		return false
	}
	start := uintptr(unsafe.Pointer(unsafe.SliceData(line)))
	p := uintptr(unsafe.Pointer(unsafe.SliceData(v)))
	return p >= start && p+uintptr(len(v)) <= start+uintptr(len(line))
}

// FuzzParseAddr checks the hand-written address reader against
// netip.ParseAddr. Zones are left out: flow logs never write them, and the
// reader refuses them on purpose.
func FuzzParseAddr(f *testing.F) {
	for _, s := range []string{
		"10.0.0.1", "::", "::ffff:1.2.3.4", "2001:db8::1", "1:2:3:4:5:6:7:8",
		"1.2.3.04", "1::2::3", "fe80::1", "::1.2.3.4",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if strings.Contains(s, "%") {
			return
		}
		want, werr := netip.ParseAddr(s)
		got, ok := parseAddr([]byte(s))
		if ok != (werr == nil) || (ok && got != want) {
			t.Fatalf("parseAddr(%q) = %v, %v; netip.ParseAddr = %v, %v",
				s, got, ok, want, werr)
		}
	})
}

// FuzzParseFormat checks that ParseFormat never panics and that a format
// it accepts survives a trip through String.
func FuzzParseFormat(f *testing.F) {
	f.Add(defaultLogFormat)
	f.Add("instance-id interface-id srcaddr")
	f.Add("${a} ${a}")
	f.Add("${")
	f.Fuzz(func(t *testing.T, s string) {
		format, err := ParseFormat(s)
		if err != nil {
			if !errors.Is(err, ErrFormat) {
				t.Fatalf("ParseFormat(%q) error %v does not wrap ErrFormat", s, err)
			}
			return
		}
		again, err := ParseFormat(format.String())
		if err != nil {
			t.Fatalf("ParseFormat(%q) of String(): %v", format.String(), err)
		}
		if again.String() != format.String() {
			t.Fatalf("String() changed on a round trip: %q, %q",
				format.String(), again.String())
		}
	})
}
