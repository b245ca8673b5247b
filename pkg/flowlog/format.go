package flowlog

import (
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
)

// ErrFormat is the error ParseFormat wraps when a format cannot be used.
var ErrFormat = errors.New("flowlog: bad format")

// defaultLogFormat is the version 2 default format, in its order.
const defaultLogFormat = "${version} ${account-id} ${interface-id} " +
	"${srcaddr} ${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} " +
	"${bytes} ${start} ${end} ${action} ${log-status}"

// DefaultFormat is the 14-field version 2 format that a flow log uses when
// it is created without a LogFormat.
var DefaultFormat = mustParseFormat(defaultLogFormat)

// Format is the ordered list of fields of a flow log's records. The zero
// Format has no fields and parses nothing; get one from ParseFormat or use
// DefaultFormat. A Format is immutable: many goroutines may share one, each
// parsing into its own Record.
type Format struct {
	cols  []column
	names []string // the name of each column as written, for String
	set   fieldSet
	id    uint64
}

// column is one position of a record: which field it holds and how its
// value is read.
type column struct {
	off uintptr // where the value goes in a Record
	max uint64  // largest value of a number field
	// bit0 and bit1 hold the field's bit in Record.present: one of them is
	// zero, and both are for an unknown field.
	bit0, bit1 uint64
	kind       kind
	field      Field
}

// formatIDs numbers the formats that ParseFormat returns.
var formatIDs atomic.Uint64

// ParseFormat reads a format written as an AWS LogFormat
// ("${version} ${srcaddr} ...") or as plain space-separated names
// ("version srcaddr ..."), the way S3 flow log files name their fields in
// their first line. Unknown names are kept, and Parse skips their values.
// An empty format, a malformed name or a name given twice is an error
// wrapping ErrFormat.
func ParseFormat(s string) (Format, error) {
	tokens := strings.Fields(s)
	if len(tokens) == 0 {
		return Format{}, fmt.Errorf("read empty format: %w", ErrFormat)
	}
	f := Format{
		cols:  make([]column, 0, len(tokens)),
		names: make([]string, 0, len(tokens)),
	}
	seen := make(map[string]bool, len(tokens))
	for _, tok := range tokens {
		name, err := fieldName(tok)
		if err != nil {
			return Format{}, err
		}
		if seen[name] {
			return Format{}, fmt.Errorf("read format: field %q given twice: %w",
				name, ErrFormat)
		}
		seen[name] = true
		f.add(name)
	}
	f.id = formatIDs.Add(1)
	return f, nil
}

// fieldName returns the name in one token of a format: "${name}" or a
// plain "name".
func fieldName(tok string) (string, error) {
	name := tok
	if strings.HasPrefix(tok, "${") && strings.HasSuffix(tok, "}") {
		name = tok[2 : len(tok)-1]
	}
	if name == "" || strings.ContainsAny(name, "${}") {
		return "", fmt.Errorf("read format: malformed field %q: %w",
			tok, ErrFormat)
	}
	return name, nil
}

// add appends the field called name to f.
func (f *Format) add(name string) {
	field, known := LookupField(name)
	info := fields[field]
	c := column{off: fieldOffsets[field], max: info.max, kind: info.kind,
		field: field}
	if known {
		var bits fieldSet
		bits.add(field)
		c.bit0, c.bit1 = bits[0], bits[1]
		f.set.add(field)
	}
	f.cols = append(f.cols, c)
	f.names = append(f.names, name)
}

// mustParseFormat is ParseFormat for formats known to be valid.
func mustParseFormat(s string) Format {
	f, err := ParseFormat(s)
	if err != nil {
		panic(err)
	}
	return f
}

// String returns the format as an AWS LogFormat: "${a} ${b} ...". Unknown
// names are written as they were given.
func (f Format) String() string {
	var b strings.Builder
	for i, name := range f.names {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString("${")
		b.WriteString(name)
		b.WriteByte('}')
	}
	return b.String()
}

// Has reports whether the format includes the field. It is false for
// FieldUnknown.
func (f Format) Has(field Field) bool {
	return f.set.has(field)
}

// HasAddresses reports whether records of the format name both ends of a
// flow, by interface or packet-level address.
func (f Format) HasAddresses() bool {
	return (f.Has(FieldSrcAddr) || f.Has(FieldPktSrcAddr)) &&
		(f.Has(FieldDstAddr) || f.Has(FieldPktDstAddr))
}

// Len returns the number of fields, unknown ones included: the number of
// values in each record.
func (f Format) Len() int {
	return len(f.names)
}

// Fields returns the fields in record order, with FieldUnknown for each
// unknown name. The slice is the caller's to keep.
func (f Format) Fields() []Field {
	out := make([]Field, len(f.names))
	for i, name := range f.names {
		out[i], _ = LookupField(name)
	}
	return out
}

// Select returns a format for the same records that reads only the given
// fields. The values of the other fields are stepped over without being
// read or checked, which makes parsing wide records faster; a record still
// needs one value per field of f. Has, and Record.Has after Parse, are false for the
// fields left out. Selecting fields f lacks changes nothing.
func (f Format) Select(keep ...Field) Format {
	var wanted fieldSet
	for _, field := range keep {
		if f.set.has(field) {
			wanted.add(field)
		}
	}
	out := Format{names: f.names, set: wanted, id: formatIDs.Add(1)}
	for _, c := range f.cols {
		if wanted.has(c.field) {
			out.cols = append(out.cols, c)
			continue
		}
		if n := len(out.cols); n > 0 && out.cols[n-1].kind == kindSkipRun {
			out.cols[n-1].max++
			continue
		}
		out.cols = append(out.cols, column{kind: kindSkipRun, max: 1})
	}
	return out
}
