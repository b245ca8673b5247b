package flowlog

import (
	"encoding/binary"
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
// names the field. After an error r is in an unspecified state. Parse
// with the zero Format returns an error wrapping ErrFormat.
func (f *Format) Parse(line []byte, r *Record) error {
	if len(f.cols) == 0 {
		return errNoFormat
	}
	if r.format != f.id {
		// Clear fields that the previous format filled and this one lacks.
		*r = Record{format: f.id}
	}
	line = trimEOL(line)
	i, err := f.fill(line, r)
	if err != nil {
		return err
	}
	for i < len(line) && line[i] == ' ' {
		i++
	}
	if i != len(line) {
		return errTooMany
	}
	return nil
}

// ParseAny fills r from line in the first of formats the line fits, and
// returns the error of the last format otherwise; a log group may hold
// records of several formats. With no format it returns an error
// wrapping ErrFormat.
func ParseAny(formats []Format, line []byte, r *Record) error {
	err := error(errNoFormat)
	for i := range formats {
		if err = formats[i].Parse(line, r); err == nil {
			return nil
		}
	}
	return err
}

// fill reads the value of each field of f from line into r, and returns
// the index past the last value.
func (f *Format) fill(line []byte, r *Record) (int, error) {
	i := 0
	var present0, present1 uint64 // r.present, kept in registers
	cols := f.cols
	for k := range cols {
		c := &cols[k]
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i == len(line) {
			return i, errTooFew
		}
		if c.kind == kindSkipRun {
			if i = skipValues(line, i, c.max); i < 0 {
				return len(line), errTooFew
			}
			continue
		}
		if line[i] == '-' && (i+1 == len(line) || line[i+1] == ' ') {
			r.clear(c)
			i++
			continue
		}
		// The common kinds are read here, without a call: this loop runs
		// for every value of every record.
		var ok bool
		switch c.kind {
		case kindText:
			end := indexSpace(line, i)
			*r.textAt(c.off) = line[i:end:end]
			i, ok = end, true
		case kindInt32, kindInt64, kindTime:
			var n uint64
			if n, i, ok = scanUint(line, i, c.max); ok {
				r.setNumber(c, n)
			}
		case kindAddr:
			var a netip.Addr
			a, i, ok = scanAddr(line, i)
			*r.addrAt(c.off) = a
		default:
			i, ok = r.scanOther(c, line, i)
		}
		if !ok {
			return i, f.valueError(line, c.field)
		}
		present0, present1 = present0|c.bit0, present1|c.bit1
	}
	r.present = fieldSet{present0, present1}
	return i, nil
}

// skipValues steps over n values, the first of which starts at line[i],
// and returns the index where the next value starts: len(line) when the
// n values end the line, -1 when the line ends before them. It counts the
// starts of values eight bytes at a time.
func skipValues(line []byte, i int, n uint64) int {
	need := int(n) // starts still to find, the next value's included
	prevSpace := uint64(0)
	for i++; i+8 <= len(line); i += 8 {
		space := spaceBytes(binary.LittleEndian.Uint64(line[i:]))
		// A value starts at a byte that is not a space after one that is.
		starts := ^space & highBits & (space<<8 | prevSpace)
		if c := bits.OnesCount64(starts); c < need {
			need -= c
			prevSpace = space >> 56
			continue
		}
		for ; need > 1; need-- {
			starts &= starts - 1
		}
		return i + bits.TrailingZeros64(starts)>>3
	}
	for ; i < len(line); i++ {
		space := line[i] == ' '
		if !space && prevSpace != 0 {
			if need--; need == 0 {
				return i
			}
		}
		prevSpace = 0
		if space {
			prevSpace = 0x80
		}
	}
	if need == 1 {
		return len(line)
	}
	return -1
}

// spaceBytes returns x with the high bit of each byte set when the byte
// is a space and every other bit clear.
func spaceBytes(x uint64) uint64 {
	z := x ^ spaces // spaces become zero bytes
	t := (z&lowSeven + lowSeven) | z
	return ^t & highBits
}

// setNumber stores the number n in the field of column c. A time of
// minMillis or more is taken to be in milliseconds.
func (r *Record) setNumber(c *column, n uint64) {
	switch c.kind {
	case kindInt32:
		*r.int32At(c.off) = int32(n)
	case kindTime:
		if n >= minMillis {
			n /= msPerSecond
		}
		*r.int64At(c.off) = int64(n)
	default:
		*r.int64At(c.off) = int64(n)
	}
}

// valueError returns the error for a value of field that does not fit.
// A line with the wrong number of values is not in the format at all, and
// that is the better report, so the count is checked first.
func (f *Format) valueError(line []byte, field Field) error {
	n := 0
	for i := 0; i < len(line); {
		for i < len(line) && line[i] == ' ' {
			i++
		}
		if i < len(line) {
			n++
			i = indexSpace(line, i)
		}
	}
	switch {
	case n < f.Len():
		return errTooFew
	case n > f.Len():
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

// scanOther reads a value of column c that Parse does not read itself:
// an action, a log status or the value of an unknown field. It stores the
// value in r, returns the index just past it, and reports false when the
// value does not fit the field.
func (r *Record) scanOther(c *column, line []byte, i int) (int, bool) {
	switch c.kind {
	case kindAction, kindStatus:
		end := indexSpace(line, i)
		return end, r.setWord(c.kind, line[i:end])
	}
	return indexSpace(line, i), true
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

// Constants for finding a space eight bytes at a time.
const (
	lowBits  = 0x0101010101010101
	highBits = 0x8080808080808080
	spaces   = lowBits * ' '
	lowSeven = lowBits * 0x7f
)

// indexSpace returns the index of the first space in line at or after i,
// or len(line) when there is none. It tests eight bytes at a time.
func indexSpace(line []byte, i int) int {
	for ; i+8 <= len(line); i += 8 {
		x := binary.LittleEndian.Uint64(line[i:]) ^ spaces
		// The lowest high bit set marks the first byte of x that is zero.
		if m := (x - lowBits) &^ x & highBits; m != 0 {
			return i + bits.TrailingZeros64(m)>>3
		}
	}
	for i < len(line) && line[i] != ' ' {
		i++
	}
	return i
}

// scanUint reads the decimal number that starts at line[i] and ends at a
// space or at the end of line. It returns the number and the index past
// it, and reports false unless the value is digits only and at most max.
func scanUint(line []byte, i int, max uint64) (uint64, int, bool) {
	start := i
	var n uint64
	for ; i < len(line); i++ {
		d := line[i] - '0'
		if d > 9 {
			break
		}
		n = n*10 + uint64(d)
	}
	if i == start || (i < len(line) && line[i] != ' ') {
		return 0, indexSpace(line, i), false
	}
	// Up to 18 digits cannot overflow; longer numbers are read again.
	if i-start > 18 {
		return parseLongUint(line[start:i], max, i)
	}
	return n, i, n <= max
}

// parseLongUint reads the digits b, which may overflow, and returns end
// as the index past them.
func parseLongUint(b []byte, max uint64, end int) (uint64, int, bool) {
	var n uint64
	for _, c := range b {
		d := uint64(c - '0')
		if n > (max-d)/10 {
			return 0, end, false
		}
		n = n*10 + d
	}
	return n, end, true
}
