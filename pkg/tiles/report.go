package tiles

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Sentinel values of the IAM credential report, which stand where a date
// or flag cannot be given.
const (
	// NotApplicable means the item does not exist: no access key, or the
	// root account's password change date.
	NotApplicable = "N/A"
	// NoInformation means the item was never used since AWS began
	// tracking its use.
	NoInformation = "no_information"
	// NotSupported means the column does not apply to the row, such as
	// the root account's password_enabled.
	NotSupported = "not_supported"
)

// RootUser is the user name of the root account's row.
const RootUser = "<root_account>"

// Stamp is a date of the credential report: a time, or the sentinel
// that stood in its place.
type Stamp struct {
	Time time.Time
	// Sentinel is NotApplicable, NoInformation or NotSupported when Time
	// is zero.
	Sentinel string
}

// Known reports whether the stamp holds a time.
func (s Stamp) Known() bool { return !s.Time.IsZero() }

// Before reports whether the stamp holds a time before t.
func (s Stamp) Before(t time.Time) bool { return s.Known() && s.Time.Before(t) }

// AccessKey is one of a user's two access key slots.
type AccessKey struct {
	Active      bool
	LastRotated Stamp
	LastUsed    Stamp
}

// Credential is one row of the credential report.
type Credential struct {
	User, ARN string
	// Root marks the root account's row.
	Root    bool
	Created Stamp
	// PasswordEnabled is false for the root account, whose column reads
	// not_supported.
	PasswordEnabled     bool
	PasswordLastUsed    Stamp
	PasswordLastChanged Stamp
	MFAActive           bool
	Keys                [2]AccessKey
}

// requiredColumns are the columns the tiles read.
var requiredColumns = []string{"user", "arn", "user_creation_time",
	"password_enabled", "password_last_used", "password_last_changed",
	"mfa_active", "access_key_1_active", "access_key_1_last_rotated",
	"access_key_1_last_used_date", "access_key_2_active",
	"access_key_2_last_rotated", "access_key_2_last_used_date"}

// ParseCredentialReport reads a credential report in CSV. Columns are
// found by their header name, so added or reordered columns are fine; a
// missing column, a row of the wrong length, or a value that is neither
// valid nor a sentinel is an error naming the row and column.
func ParseCredentialReport(r io.Reader) ([]Credential, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, errors.New("parse credential report: the report is empty")
	}
	if err != nil {
		return nil, fmt.Errorf("parse credential report header: %w", err)
	}
	cols, err := columns(header)
	if err != nil {
		return nil, err
	}
	var out []Credential
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("parse credential report: %w", err)
		}
		c, err := credential(cols, rec)
		if err != nil {
			return nil, fmt.Errorf("parse credential report line %d: %w", line, err)
		}
		out = append(out, c)
	}
}

// columns maps each required column name to its index.
func columns(header []string) (map[string]int, error) {
	cols := map[string]int{}
	for i, h := range header {
		cols[strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))] = i
	}
	var missing []string
	for _, c := range requiredColumns {
		if _, ok := cols[c]; !ok {
			missing = append(missing, c)
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("parse credential report header: missing "+
			"columns %s", strings.Join(missing, ", "))
	}
	return cols, nil
}

// reportRow reads the values of one CSV record, remembering the first error.
type reportRow struct {
	cols map[string]int
	rec  []string
	err  error
}

// credential reads one row.
func credential(cols map[string]int, rec []string) (Credential, error) {
	r := &reportRow{cols: cols, rec: rec}
	c := Credential{
		User: r.text("user"), ARN: r.text("arn"),
		Created:             r.stamp("user_creation_time"),
		PasswordLastUsed:    r.stamp("password_last_used"),
		PasswordLastChanged: r.stamp("password_last_changed"),
		MFAActive:           r.flag("mfa_active"),
	}
	c.Root = c.User == RootUser
	c.PasswordEnabled = r.flag("password_enabled")
	for i := range c.Keys {
		prefix := fmt.Sprintf("access_key_%d_", i+1)
		c.Keys[i] = AccessKey{Active: r.flag(prefix + "active"),
			LastRotated: r.stamp(prefix + "last_rotated"),
			LastUsed:    r.stamp(prefix + "last_used_date")}
	}
	return c, r.err
}

// text returns a column's raw value.
func (r *reportRow) text(col string) string {
	return strings.TrimSpace(r.rec[r.cols[col]])
}

// flag reads "true" or "false"; a sentinel reads as false.
func (r *reportRow) flag(col string) bool {
	switch v := r.text(col); v {
	case "true":
		return true
	case "false", NotApplicable, NoInformation, NotSupported:
		return false
	default:
		r.fail(fmt.Errorf("column %s: %q is not true or false", col, short(v)))
		return false
	}
}

// stamp reads a date or a sentinel.
func (r *reportRow) stamp(col string) Stamp {
	v := r.text(col)
	switch v {
	case NotApplicable, NoInformation, NotSupported:
		return Stamp{Sentinel: v}
	}
	t, err := time.Parse(time.RFC3339, v)
	if err != nil {
		r.fail(fmt.Errorf("column %s: %q is not a date or a sentinel", col, short(v)))
		return Stamp{}
	}
	return Stamp{Time: t.UTC()}
}

// fail keeps the row's first error.
func (r *reportRow) fail(err error) {
	if r.err == nil {
		r.err = err
	}
}

// short cuts a report value for an error message.
func short(s string) string {
	if len(s) > 40 {
		return s[:40] + "..."
	}
	return s
}
