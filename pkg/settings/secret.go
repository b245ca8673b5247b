package settings

import (
	"fmt"
	"log/slog"
)

// redacted is what a non-empty Secret shows instead of its value.
const redacted = "[redacted]"

// Secret is a credential that must never reach a log, an error or a
// response. Every way of printing or marshalling it (fmt verbs, JSON,
// text, slog and zerolog through those) shows "[redacted]", or "" when it
// is empty, so only its presence is visible. Reveal returns the value for
// the one place that needs it: the AWS credentials provider.
//
// One gap remains: encoding/json writes a map key of any string kind as it
// is, without calling a method, so a Secret must never be a map key, and
// a conversion such as string(s) exposes the value like Reveal does.
type Secret string

// Reveal returns the secret's value. Pass it only to the code that signs
// AWS requests.
func (s Secret) Reveal() string { return string(s) }

// String returns "[redacted]", or "" when the secret is empty.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return redacted
}

// GoString returns the redacted form for the %#v verb.
func (s Secret) GoString() string { return fmt.Sprintf("%q", s.String()) }

// Format writes the redacted form whatever the verb, so %s, %q, %x and the
// others cannot expose the value.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		fmt.Fprint(f, s.GoString())
		return
	}
	fmt.Fprint(f, s.String())
}

// MarshalJSON encodes the redacted form as a JSON string.
func (s Secret) MarshalJSON() ([]byte, error) {
	return []byte(`"` + s.String() + `"`), nil
}

// MarshalText returns the redacted form, for encoders that prefer text.
func (s Secret) MarshalText() ([]byte, error) {
	return []byte(s.String()), nil
}

// LogValue returns the redacted form for log/slog.
func (s Secret) LogValue() slog.Value { return slog.StringValue(s.String()) }
