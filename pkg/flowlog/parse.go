package flowlog

import (
	"errors"
	"math/bits"
	"net/netip"
)

// Errors that Parse returns; compare with errors.Is. Each error Parse
// returns wraps one of them and, for ErrValue, names the field.
var (
	// ErrFieldCount means the record does not have one value per field of
	// the format: the format is not the one the record was written with,
	// or the line is not a flow log record.
	ErrFieldCount = errors.New("flowlog: wrong number of fields")
	// ErrValue means a value does not fit its field: a number with a
	// non-digit or out of range, an address that is not an IP address, or
	// an action or log status that AWS does not document.
	ErrValue = errors.New("flowlog: value does not fit its field")
)

// The errors Parse returns are made once, so that returning one does not
// allocate.
var (
	errTooFew = &parseError{
		msg: "flowlog: record has fewer values than its format has fields",
		err: ErrFieldCount,
	}
	errTooMany = &parseError{
		msg: "flowlog: record has more values than its format has fields",
		err: ErrFieldCount,
	}
	errNoFormat = &parseError{
		msg: "flowlog: parse with a format that has no fields",
		err: ErrFormat,
	}
	errValue = func() (errs [fieldCount]error) {
		for f := range errs {
			errs[f] = &parseError{
				msg: "flowlog: field " + Field(f).String() +
					": value does not fit the field",
				err: ErrValue,
			}
		}
		return errs
	}()
)

// parseError is an error with a fixed message that wraps a sentinel.
type parseError struct {
	msg string
	err error
}

func (e *parseError) Error() string { return e.msg }
func (e *parseError) Unwrap() error { return e.err }

// msPerSecond converts millisecond timestamps. A start or end of at least
// minMillis is taken to be in milliseconds: as seconds it would lie past
// the year 5000, while as milliseconds it is any time after March 1973.
const (
	msPerSecond = 1000
	minMillis   = 100_000_000_000
)

// Parse fills r from one record line. A trailing "\r" or "\n" is ignored,
// and a run of spaces separates two values like a single space does.
//
// It does not allocate. The text fields of r alias line and are valid until
// line changes. A value of "-" leaves its field zero and Has false.
//
// A line with the wrong number of values returns an error wrapping
// ErrFieldCount, whatever its values; in a line with the right number, a
// value that does not fit its field returns one wrapping ErrValue that
// names the field. After an error r is in an unspecified state. Parse with
// the zero Format returns an error wrapping ErrFormat.
func (f *Format) Parse(line []byte, r *Record) error {
	if len(f.cols) == 0 {
		return errNoFormat
	}
	if r.format != f.id {
		// Clear fields that the previous format filled and this one lacks.
		*r = Record{format: f.id}
	}
	line = trimEOL(line)

	// The boundaries of the values (see bounds.go) and the presence bits
	// are locals, so that they stay in registers.
	mask, carry := blockBounds(line, 0, 0)
	base := 0
	var present0, present1 uint64
	for k := range f.cols {
		if mask == 0 {
			if base, mask, carry = nextBlock(line, base, carry); mask == 0 {
				return errTooFew
			}
		}
		start := base + bits.TrailingZeros64(mask)
		if mask &= mask - 1; mask == 0 {
			// A value always has an end: the position past the line.
			base, mask, carry = nextBlock(line, base, carry)
		}
		end := base + bits.TrailingZeros64(mask)
		mask &= mask - 1

		c := &f.cols[k]
		v := line[start:end:end]
		if len(v) == 1 && v[0] == '-' {
			r.clear(c)
			continue
		}
		// Text and numbers, the most common values, are stored here: a call
		// per value would cost more than the reading.
		ok := true
		switch c.kind {
		case kindText:
			*r.textAt(c.off) = v
		case kindInt32, kindInt64:
			var n uint64
			for _, b := range v {
				n = n*10 + uint64(b-'0')
				ok = ok && b-'0' <= 9
			}
			if !ok || len(v) > 18 || n > c.max {
				n, ok = parseUint(v, c.max)
			}
			if c.kind == kindInt32 {
				*r.int32At(c.off) = int32(n)
			} else {
				*r.int64At(c.off) = int64(n)
			}
		default:
			ok = r.set(c, v)
		}
		if !ok {
			return f.valueError(line, c.field)
		}
		present0, present1 = present0|c.bit0, present1|c.bit1
	}
	if mask != 0 {
		return errTooMany
	}
	if _, mask, _ = nextBlock(line, base, carry); mask != 0 {
		return errTooMany
	}
	r.present = fieldSet{present0, present1}
	return nil
}

// valueError returns the error for a value of field that does not fit.
// A line with the wrong number of values is not in the format at all, and
// that is the better report, so the count is checked first.
func (f *Format) valueError(line []byte, field Field) error {
	n := 0
	for i, c := range line {
		if c != ' ' && (i == 0 || line[i-1] == ' ') {
			n++
		}
	}
	switch {
	case n < len(f.cols):
		return errTooFew
	case n > len(f.cols):
		return errTooMany
	}
	return errValue[field]
}

// trimEOL drops the line ending: any "\r" and "\n" at the end of line.
func trimEOL(line []byte) []byte {
	n := len(line)
	for n > 0 && (line[n-1] == '\n' || line[n-1] == '\r') {
		n--
	}
	return line[:n]
}

// set stores the value v of column c in r and reports whether it fits.
func (r *Record) set(c *column, v []byte) bool {
	switch c.kind {
	case kindText:
		*r.textAt(c.off) = v
	case kindInt32:
		n, ok := parseUint(v, c.max)
		*r.int32At(c.off) = int32(n)
		return ok
	case kindInt64:
		n, ok := parseUint(v, c.max)
		*r.int64At(c.off) = int64(n)
		return ok
	case kindTime:
		n, ok := parseUint(v, c.max)
		if n >= minMillis {
			n /= msPerSecond
		}
		*r.int64At(c.off) = int64(n)
		return ok
	case kindAddr:
		a, ok := parseAddr(v)
		*r.addrAt(c.off) = a
		return ok
	case kindAction, kindStatus:
		return r.setWord(c.kind, v)
	}
	return true
}

// clear sets the field of column c to its zero value.
func (r *Record) clear(c *column) {
	switch c.kind {
	case kindText:
		*r.textAt(c.off) = nil
	case kindAddr:
		*r.addrAt(c.off) = netip.Addr{}
	case kindInt32:
		*r.int32At(c.off) = 0
	case kindInt64, kindTime:
		*r.int64At(c.off) = 0
	case kindAction:
		r.Action = ActionUnknown
	case kindStatus:
		r.LogStatus = StatusUnknown
	}
}

// setWord reads an action or a log status. Only the words AWS documents
// are accepted: any other word means the record and the format disagree,
// and a guess could report blocked traffic as allowed or the reverse.
func (r *Record) setWord(k kind, v []byte) bool {
	if k == kindAction {
		switch string(v) {
		case "ACCEPT":
			r.Action = ActionAccept
		case "REJECT":
			r.Action = ActionReject
		default:
			return false
		}
		return true
	}
	switch string(v) {
	case "OK":
		r.LogStatus = StatusOK
	case "NODATA":
		r.LogStatus = StatusNoData
	case "SKIPDATA":
		r.LogStatus = StatusSkipData
	default:
		return false
	}
	return true
}

// parseUint reads a decimal number of digits only and reports whether it
// is at most max. Signs and empty input are refused.
func parseUint(v []byte, max uint64) (uint64, bool) {
	if len(v) == 0 || len(v) > 18 {
		// Up to 18 digits cannot overflow; longer ones are checked as read.
		return parseLongUint(v, max)
	}
	var n uint64
	for _, c := range v {
		d := c - '0'
		if d > 9 {
			return 0, false
		}
		n = n*10 + uint64(d)
	}
	return n, n <= max
}

// parseLongUint is parseUint for numbers that may overflow.
func parseLongUint(v []byte, max uint64) (uint64, bool) {
	var n uint64
	for _, c := range v {
		d := uint64(c - '0')
		if d > 9 || n > (max-d)/10 {
			return 0, false
		}
		n = n*10 + d
	}
	return n, len(v) > 0
}
