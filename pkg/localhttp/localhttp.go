// Package localhttp is the local front door of the relay: a net/http
// handler that serves every route through the same endpoints as the
// Lambda functions.
package localhttp

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/relay"
)

// Timeout is how long one request may run, as API Gateway allows.
const Timeout = 29 * time.Second

// Handler returns an http.Handler answering with router. Each request
// runs with a deadline of timeout, as a Lambda invocation would.
func Handler(router *relay.Router, timeout time.Duration) http.Handler {
	var seq atomic.Int64
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), timeout)
		defer cancel()
		req := &relay.Request{
			Method:    r.Method,
			Path:      r.URL.Path,
			Header:    r.Header,
			Query:     r.URL.Query(),
			RequestID: "local-" + strconv.FormatInt(seq.Add(1), 10),
		}
		req.Body, req.TooLarge = read(r.Body)
		write(w, router.Handle(ctx, req))
	})
}

// NewServer returns an http.Server answering with router, with time limits
// on reading and writing, so that a slow or silent client cannot hold a
// connection for ever.
func NewServer(router *relay.Router) *http.Server {
	return &http.Server{
		Handler:           Handler(router, Timeout),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      Timeout + 5*time.Second,
		IdleTimeout:       time.Minute,
	}
}

// read reads at most relay.MaxBodyBytes of body, reporting whether there
// was more.
func read(body io.Reader) ([]byte, bool) {
	b, err := io.ReadAll(io.LimitReader(body, relay.MaxBodyBytes+1))
	if err != nil {
		return nil, false
	}
	if len(b) > relay.MaxBodyBytes {
		return nil, true
	}
	return b, false
}

// write sends a relay response.
func write(w http.ResponseWriter, resp relay.Response) {
	for name, values := range resp.Header {
		for _, v := range values {
			w.Header().Add(name, v)
		}
	}
	w.WriteHeader(resp.Status)
	_, _ = w.Write(resp.Body)
}
