// Package lambdaapi is the API Gateway front door of the relay: it turns
// HTTP API (payload format 2.0) events into relay requests and relay
// responses back into events.
package lambdaapi

import (
	"context"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"

	"github.com/aws-vpc-flow-relay/relay/pkg/relay"
)

// HandlerFunc is the Lambda handler of an HTTP API route.
type HandlerFunc func(context.Context, events.APIGatewayV2HTTPRequest) (
	events.APIGatewayV2HTTPResponse, error)

// Handler returns the Lambda handler that answers events with router.
func Handler(router *relay.Router) HandlerFunc {
	return func(ctx context.Context, ev events.APIGatewayV2HTTPRequest) (
		events.APIGatewayV2HTTPResponse, error) {
		resp := router.Handle(ctx, Request(ev))
		return Response(resp), nil
	}
}

// Request converts an API Gateway event. Header names may come in any
// case; a base64 body is decoded; a stage prefix is removed from the path;
// a body longer than relay.MaxBodyBytes is not kept but flagged.
func Request(ev events.APIGatewayV2HTTPRequest) *relay.Request {
	req := &relay.Request{
		Method:    strings.ToUpper(ev.RequestContext.HTTP.Method),
		Path:      path(ev),
		Header:    http.Header{},
		Query:     query(ev),
		RequestID: ev.RequestContext.RequestID,
	}
	for name, value := range ev.Headers {
		req.Header.Set(name, value)
	}
	req.Body, req.TooLarge = body(ev)
	return req
}

// path returns the request path without the stage prefix that a named
// stage adds.
func path(ev events.APIGatewayV2HTTPRequest) string {
	p := ev.RawPath
	if p == "" {
		p = ev.RequestContext.HTTP.Path
	}
	stage := ev.RequestContext.Stage
	if stage != "" && stage != "$default" {
		if rest, ok := strings.CutPrefix(p, "/"+stage); ok &&
			(rest == "" || rest[0] == '/') {
			p = rest
		}
	}
	if p == "" {
		p = "/"
	}
	return p
}

// query parses the raw query string, falling back to the parsed map.
func query(ev events.APIGatewayV2HTTPRequest) url.Values {
	if q, err := url.ParseQuery(ev.RawQueryString); err == nil {
		return q
	}
	q := url.Values{}
	for k, v := range ev.QueryStringParameters {
		q.Set(k, v)
	}
	return q
}

// body returns the decoded body, or nil and true when it is too large. A
// body that is not valid base64 is dropped, and so answered as missing.
func body(ev events.APIGatewayV2HTTPRequest) ([]byte, bool) {
	if !ev.IsBase64Encoded {
		if len(ev.Body) > relay.MaxBodyBytes {
			return nil, true
		}
		return []byte(ev.Body), false
	}
	if base64.StdEncoding.DecodedLen(len(ev.Body)) > relay.MaxBodyBytes+3 {
		return nil, true
	}
	b, err := base64.StdEncoding.DecodeString(ev.Body)
	switch {
	case err != nil:
		return nil, false
	case len(b) > relay.MaxBodyBytes:
		return nil, true
	}
	return b, false
}

// Response converts a relay response into an API Gateway response.
func Response(r relay.Response) events.APIGatewayV2HTTPResponse {
	headers := map[string]string{}
	for name := range r.Header {
		headers[name] = r.Header.Get(name)
	}
	return events.APIGatewayV2HTTPResponse{
		StatusCode: r.Status,
		Headers:    headers,
		Body:       string(r.Body),
	}
}
