package securex

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"unicode"

	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// maxDetail bounds how much of SecureX's own explanation an Error keeps.
const maxDetail = 200

// Error is a failed SecureX step: what was tried, how SecureX answered,
// and what the operator should do next. It never holds a secret.
type Error struct {
	// Op names the step, such as "get a SecureX token".
	Op string
	// Status is the HTTP status SecureX answered, 0 when none arrived.
	Status int
	// Detail is SecureX's own short explanation, when it gave one.
	Detail string
	// Hint says what to do next.
	Hint string
	// Err is the underlying transport or decoding error, if any.
	Err error
}

// Error returns "<op>: <status>: <detail>: <cause>; <hint>", leaving out
// the parts that are empty.
func (e *Error) Error() string {
	if e.Hint == "" {
		return e.Summary()
	}
	return e.Summary() + "; " + e.Hint
}

// Summary returns the Error text without the hint, for callers that show
// the hint apart.
func (e *Error) Summary() string {
	var b strings.Builder
	b.WriteString(e.Op)
	if e.Status != 0 {
		fmt.Fprintf(&b, ": SecureX answered %d %s", e.Status,
			http.StatusText(e.Status))
	}
	if e.Detail != "" {
		b.WriteString(": " + e.Detail)
	}
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

// Unwrap returns the underlying error, ErrNotFound for a 404 answer of
// the module-type API.
func (e *Error) Unwrap() error {
	if e.Status == http.StatusNotFound && e.Op != opLogin {
		return ErrNotFound
	}
	return e.Err
}

// answerError turns an unexpected answer into an Error with a hint,
// taking secrets out of SecureX's explanation.
func answerError(op string, status int, body []byte,
	secrets []settings.Secret) *Error {
	return &Error{Op: op, Status: status, Detail: detail(body, secrets...),
		Hint: hint(op, status)}
}

// redirectError refuses a redirect, naming where it pointed without the
// path and query, which might carry anything.
func redirectError(op string, resp *http.Response) *Error {
	text := "SecureX answered with a redirect"
	if u, err := url.Parse(resp.Header.Get("Location")); err == nil &&
		u.Host != "" {
		text += " to " + quoted(u.Scheme+"://"+u.Host)
	}
	return &Error{Op: op, Status: resp.StatusCode,
		Detail: text + ", which is never followed",
		Hint: "check the SecureX region (US, EU, APJC) or -securex-url: " +
			"the API answers directly"}
}

// hint says what to do about an answer's status.
func hint(op string, status int) string {
	switch {
	case status == http.StatusNotFound && op == opLogin:
		return "SecureX has no token endpoint at this URL; check the " +
			"SecureX region (US, EU, APJC) or -securex-url"
	case status == http.StatusBadRequest && strings.Contains(op, "token"),
		status == http.StatusUnauthorized:
		return "check the API client's id and secret and the SecureX " +
			"region (US, EU, APJC) it was created in"
	case status == http.StatusForbidden:
		return "give the API client the Integration scope (Administration, " +
			"API Clients in SecureX) and try again"
	case status == http.StatusNotFound:
		return "the module type is gone; it may have been deleted in SecureX"
	case status == http.StatusTooManyRequests:
		return "SecureX is limiting requests; wait a minute and try again"
	case status >= 500:
		return "SecureX failed; try again in a few minutes"
	case status >= 400:
		return "SecureX refused the request; check module_type.json"
	}
	return "SecureX answered unexpectedly; try again"
}

// detail extracts a short explanation from an error answer: the usual
// JSON fields when present, else the text itself with its JSON string
// escapes decoded. Unicode format characters (such as a zero-width
// space) are dropped and every secret replaced, and the result is one
// line of printable characters cut to maxDetail characters.
func detail(body []byte, secrets ...settings.Secret) string {
	text := unescapeJSON(jsonFields(body))
	text = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(text, "?"))
	text = redact(text, secrets)
	text = strings.Join(strings.FieldsFunc(text, func(r rune) bool {
		return unicode.IsSpace(r) || !unicode.IsPrint(r)
	}), " ")
	text = redact(text, secrets)
	if r := []rune(text); len(r) > maxDetail {
		text = string(r[:maxDetail]) + "..."
	}
	return text
}

// jsonFields returns the usual explanation fields of a JSON answer,
// joined, or the whole body when it has none.
func jsonFields(body []byte) string {
	var fields struct {
		Error       any    `json:"error"`
		Description string `json:"error_description"`
		Message     string `json:"message"`
	}
	if json.Unmarshal(body, &fields) != nil {
		return string(body)
	}
	var parts []string
	if s, ok := fields.Error.(string); ok && s != "" {
		parts = append(parts, s)
	}
	for _, s := range []string{fields.Description, fields.Message} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 {
		return string(body)
	}
	return strings.Join(parts, ": ")
}

// jsonEscape matches a JSON string escape: \uXXXX (a surrogate pair
// taken whole) or a backslash and one character.
var jsonEscape = regexp.MustCompile(
	`\\u[dD][89abAB][0-9a-fA-F]{2}\\u[dD][c-fC-F][0-9a-fA-F]{2}|` +
		`\\u[0-9a-fA-F]{4}|\\["\\/bfnrt]`)

// unescapeJSON decodes the JSON string escapes in text, so that a secret
// written as escapes is found like a plain one.
func unescapeJSON(text string) string {
	return jsonEscape.ReplaceAllStringFunc(text, func(esc string) string {
		var s string
		if json.Unmarshal([]byte(`"`+esc+`"`), &s) != nil {
			return esc
		}
		return s
	})
}

// redact replaces every non-empty secret in text.
func redact(text string, secrets []settings.Secret) string {
	for _, s := range secrets {
		if s != "" {
			text = strings.ReplaceAll(text, s.Reveal(), "[redacted]")
		}
	}
	return text
}

// quoted returns s as a short Go string literal, every control or
// non-ASCII character escaped, cut to 64 bytes first.
func quoted(s string) string {
	if len(s) > 64 {
		return strconv.QuoteToASCII(s[:64]) + "..."
	}
	return strconv.QuoteToASCII(s)
}
