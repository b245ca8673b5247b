package relay

import (
	"errors"
	"net/http"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Problem is one entry of the "errors" list of a relay answer.
type Problem struct {
	Type    string `json:"type"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Codes of the relay's error shape, as SecureX shows them.
const (
	CodeInvalidArgument = "invalid argument"
	CodeAuthorization   = "authorization error"
	CodeAWS             = "aws error"
	CodeNotFound        = "not found"
	CodeHealthCheck     = "health check failed"
	CodeTooManyResults  = "too many results"
	CodeUnknown         = "unknown"
)

// code maps an error kind to the code SecureX shows. It is the only place
// where kinds meet codes.
func code(kind failure.Kind) string {
	switch kind {
	case failure.InvalidArgument:
		return CodeInvalidArgument
	case failure.Unauthorized:
		return CodeAuthorization
	case failure.Upstream:
		return CodeAWS
	case failure.NotFound:
		return CodeNotFound
	case failure.HealthCheck:
		return CodeHealthCheck
	case failure.Truncated:
		return CodeTooManyResults
	default:
		return CodeUnknown
	}
}

// Fatal returns the problem that err becomes in an answer: its kind's code
// and its caller-safe message.
func Fatal(err error) Problem {
	return Problem{
		Type:    "fatal",
		Code:    code(failure.KindOf(err)),
		Message: failure.MessageOf(err),
	}
}

// Warning returns a warning problem for an answer that still carries data.
func Warning(kind failure.Kind, message string) Problem {
	return Problem{Type: "warning", Code: code(kind), Message: message}
}

// errorResponse renders err in the relay's error shape. Every error keeps
// HTTP 200, as SecureX expects, except a wrong method, which is a 405.
func errorResponse(err error) Response {
	if errors.Is(err, errMethodNotAllowed) {
		return problemResponse(http.StatusMethodNotAllowed, Fatal(err))
	}
	return problemResponse(http.StatusOK, Fatal(err))
}

// problemResponse renders one problem with the given status.
func problemResponse(status int, p Problem) Response {
	return jsonResponse(status, map[string][]Problem{"errors": {p}})
}

// NotFoundResponse is the JSON 404 answer for a route the relay lacks.
func NotFoundResponse(path string) Response {
	return problemResponse(http.StatusNotFound, Problem{
		Type: "fatal", Code: CodeNotFound,
		Message: "the relay has no route " + quoteShort(path),
	})
}

// quoteShort quotes s for a message, cut to a length safe to echo.
func quoteShort(s string) string {
	const most = 80
	if len(s) > most {
		s = s[:most] + "..."
	}
	return `"` + s + `"`
}
