package relay

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
)

// MaxBodyBytes is the largest request body the relay reads. Bodies past it
// are refused with an invalid argument error before any decoding.
const MaxBodyBytes = 1 << 20

// Request is one HTTP request to the relay, as a front door received it.
type Request struct {
	// Method is the HTTP method in upper case.
	Method string
	// Path is the route path without any stage prefix, e.g.
	// "/observe/observables". A trailing slash is allowed.
	Path string
	// Header holds the request headers with canonical names.
	Header http.Header
	// Query holds the query string parameters.
	Query url.Values
	// Body is the raw body, at most MaxBodyBytes long; a front door that
	// saw a longer body sets TooLarge instead.
	Body []byte
	// TooLarge reports that the body was longer than MaxBodyBytes.
	TooLarge bool
	// RequestID identifies the request in logs.
	RequestID string
}

// Route returns the request path without a trailing slash, so that
// "/respond/trigger/" and "/respond/trigger" name the same route.
func (r *Request) Route() string {
	if len(r.Path) > 1 {
		return strings.TrimRight(r.Path, "/")
	}
	return r.Path
}

// Response is what the relay answers: a status, headers and a JSON body.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// jsonResponse renders v as a JSON response with the given status.
func jsonResponse(status int, v any) Response {
	body, err := json.Marshal(v)
	if err != nil {
		status = http.StatusOK
		body = []byte(`{"errors":[{"type":"fatal","code":"unknown",` +
			`"message":"the relay failed to encode its answer"}]}`)
	}
	header := http.Header{}
	header.Set("Content-Type", "application/json")
	return Response{Status: status, Header: header, Body: body}
}
