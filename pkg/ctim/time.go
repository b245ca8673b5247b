package ctim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// TimeLayout is the one text form CTIM times take in relay documents:
// UTC, three fractional digits and a Z suffix.
const TimeLayout = "2006-01-02T15:04:05.000Z"

// Time is an instant that marshals as UTC ISO 8601 with milliseconds and
// a Z suffix, such as "2026-12-04T14:52:11.000Z", whatever its location.
// Digits below the millisecond are dropped, not rounded. The zero Time is
// reported by IsZero, so a field tagged omitzero is left out.
type Time time.Time

// TimeOf returns t as a Time.
func TimeOf(t time.Time) Time { return Time(t) }

// Std returns t as a time.Time.
func (t Time) Std() time.Time { return time.Time(t) }

// IsZero reports whether t is the zero instant.
func (t Time) IsZero() bool { return time.Time(t).IsZero() }

// String returns t in TimeLayout.
func (t Time) String() string {
	return time.Time(t).UTC().Format(TimeLayout)
}

// MarshalJSON writes t as a JSON string in TimeLayout. It fails for years
// outside 0 to 9999, which have no four-digit form.
func (t Time) MarshalJSON() ([]byte, error) {
	utc := time.Time(t).UTC()
	if y := utc.Year(); y < 0 || y > 9999 {
		return nil, fmt.Errorf("marshal CTIM time: year %d is "+
			"outside 0 to 9999", y)
	}
	out := make([]byte, 0, len(TimeLayout)+2)
	out = append(out, '"')
	out = utc.AppendFormat(out, TimeLayout)
	return append(out, '"'), nil
}

// UnmarshalJSON reads an RFC 3339 time string, with or without fractional
// seconds and with any offset. JSON null leaves t unchanged. It is more
// lenient than Validate, which accepts only TimeLayout.
func (t *Time) UnmarshalJSON(data []byte) error {
	if bytes.Equal(data, []byte("null")) {
		return nil
	}
	var text string
	if err := json.Unmarshal(data, &text); err != nil {
		return fmt.Errorf("unmarshal CTIM time %s: %w", data, err)
	}
	parsed, err := time.Parse(time.RFC3339Nano, text)
	if err != nil {
		return fmt.Errorf("unmarshal CTIM time %q: %w", text, err)
	}
	*t = Time(parsed)
	return nil
}
