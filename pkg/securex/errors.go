package securex

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"unicode"
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

// Error returns "<op>: <status>: <detail> (<cause>); <hint>", leaving out
// the parts that are empty.
func (e *Error) Error() string {
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
	if e.Hint != "" {
		b.WriteString("; " + e.Hint)
	}
	return b.String()
}

// Unwrap returns the underlying error, ErrNotFound for a 404 answer.
func (e *Error) Unwrap() error {
	if e.Status == http.StatusNotFound {
		return ErrNotFound
	}
	return e.Err
}

// answerError turns an unexpected answer into an Error with a hint.
func answerError(op string, status int, body []byte) *Error {
	return &Error{Op: op, Status: status, Detail: detail(body),
		Hint: hint(op, status)}
}

// hint says what to do about an answer's status.
func hint(op string, status int) string {
	switch {
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
// JSON fields when present, else the text itself, on one line and cut to
// maxDetail characters.
func detail(body []byte) string {
	var fields struct {
		Error       any    `json:"error"`
		Description string `json:"error_description"`
		Message     string `json:"message"`
	}
	text := string(body)
	if json.Unmarshal(body, &fields) == nil {
		var parts []string
		if s, ok := fields.Error.(string); ok && s != "" {
			parts = append(parts, s)
		}
		for _, s := range []string{fields.Description, fields.Message} {
			if s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			text = strings.Join(parts, ": ")
		}
	}
	text = strings.Join(strings.FieldsFunc(text, unicode.IsSpace), " ")
	if r := []rune(text); len(r) > maxDetail {
		text = string(r[:maxDetail]) + "..."
	}
	return text
}
