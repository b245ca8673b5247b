package flowlog

import (
	"strconv"
	"testing"
)

// fieldText returns the value of f in r as text, the way AWS writes it
// (addresses in netip's form), and whether r has the field.
func fieldText(r *Record, f Field) (string, bool) {
	if f == FieldUnknown || f >= fieldCount {
		return "", false
	}
	off := fieldOffsets[f]
	var s string
	switch fields[f].kind {
	case kindText:
		s = string(*r.textAt(off))
	case kindAddr:
		if a := *r.addrAt(off); a.IsValid() {
			s = a.String()
		}
	case kindInt32:
		s = strconv.Itoa(int(*r.int32At(off)))
	case kindInt64, kindTime:
		s = strconv.FormatInt(*r.int64At(off), 10)
	case kindAction:
		s = r.Action.String()
	case kindStatus:
		s = r.LogStatus.String()
	}
	return s, r.Has(f)
}

// mustFormat parses a format known to be valid.
func mustFormat(t testing.TB, s string) Format {
	t.Helper()
	f, err := ParseFormat(s)
	if err != nil {
		t.Fatalf("ParseFormat(%q): %v", s, err)
	}
	return f
}
