// Package failure is the relay's error vocabulary.
//
// Every package reports a problem that a caller should see as a *Error with
// one of a few kinds. The HTTP layer maps each kind to the relay's error
// shape in one place, so a kind decides the code SecureX shows, and the
// message decides the text. The message is safe to show to a caller; the
// wrapped error keeps the detail for the logs.
package failure

import (
	"errors"
	"fmt"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

const (
	// Internal is a fault of the relay itself. It is the zero value, so an
	// error that carries no kind is treated as internal.
	Internal Kind = iota
	// InvalidArgument means the request itself is wrong: a malformed body,
	// an unknown action, a missing or invalid configuration key.
	InvalidArgument
	// Unauthorized means the caller's token is missing or not acceptable.
	Unauthorized
	// Upstream means AWS refused or failed a call the relay made.
	Upstream
	// NotFound means the thing the request names does not exist.
	NotFound
	// HealthCheck means a health or watchdog probe did not pass.
	HealthCheck
	// Truncated means the relay cut an answer to stay within its own
	// bounds (memory, answer size); it is only ever a warning.
	Truncated
)

// String returns the kind's name as it appears in logs.
func (k Kind) String() string {
	switch k {
	case InvalidArgument:
		return "invalid_argument"
	case Unauthorized:
		return "unauthorized"
	case Upstream:
		return "upstream"
	case NotFound:
		return "not_found"
	case HealthCheck:
		return "health_check"
	case Truncated:
		return "truncated"
	default:
		return "internal"
	}
}

// Error is an error with a kind and a message that is safe to show to the
// caller. Err, when set, holds the underlying cause for the logs only.
type Error struct {
	Kind    Kind
	Message string
	Err     error
}

// Error returns the message followed by the cause, for logs.
func (e *Error) Error() string {
	if e.Err == nil {
		return e.Message
	}
	return e.Message + ": " + e.Err.Error()
}

// Unwrap returns the cause.
func (e *Error) Unwrap() error { return e.Err }

// New returns an error of the given kind with a formatted, caller-safe
// message and no cause.
func New(kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an error of the given kind whose caller-safe message is the
// formatted text and whose cause is err. Only the message reaches callers.
func Wrap(err error, kind Kind, format string, args ...any) *Error {
	return &Error{Kind: kind, Message: fmt.Sprintf(format, args...), Err: err}
}

// KindOf returns the kind of the first *Error in err's chain, or Internal
// when there is none.
func KindOf(err error) Kind {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return Internal
}

// MessageOf returns the caller-safe message of the first *Error in err's
// chain. An error without one gets a generic message, so no internal detail
// reaches the caller.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "the relay failed to handle the request"
}
