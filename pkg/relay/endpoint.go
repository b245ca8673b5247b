package relay

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/rs/zerolog"

	"github.com/aws-vpc-flow-relay/relay/pkg/auth"
	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// Verifier checks the Authorization header of a request and returns the
// token's claims. *auth.Verifier is the production implementation.
type Verifier interface {
	Verify(ctx context.Context, authorization string) (auth.Claims, error)
}

// HandlerFunc runs one route for an accepted call. It returns the data of
// the answer, or an error whose kind decides the code the caller sees.
type HandlerFunc func(ctx context.Context, c *Call) (any, error)

// Endpoint is one relay route with the rules every call to it follows.
type Endpoint struct {
	// Method is the HTTP method the route accepts; empty means POST.
	Method string
	// Path is the route as serverless.yml names it, e.g. "/health".
	Path string
	// Public routes take no token; all others require a valid one.
	Public bool
	// Unwrapped answers carry the handler's data as the whole body, as
	// /version does, instead of {"data": ...}.
	Unwrapped bool
	// Handle runs the route.
	Handle HandlerFunc
}

// Call is what a handler knows about the request it serves.
type Call struct {
	// Request is the request as the front door received it.
	Request *Request
	// Claims are the verified token's claims; nil on public routes.
	Claims auth.Claims
	// Log is the request's logger, carrying its id and route.
	Log zerolog.Logger

	warnings []Problem
}

// Settings reads the module configuration from the token's claims. Its
// error is an invalid argument naming each missing or invalid key.
func (c *Call) Settings() (settings.Settings, error) {
	s, err := settings.FromClaims(c.Claims)
	if err != nil {
		return settings.Settings{}, fmt.Errorf("read configuration: %w", err)
	}
	return s, nil
}

// Warn adds a warning to the answer; the data is still returned.
func (c *Call) Warn(kind failure.Kind, message string) {
	c.warnings = append(c.warnings, Warning(kind, message))
}

// Server serves endpoints: it verifies tokens and logs each call.
type Server struct {
	verifier Verifier
	log      zerolog.Logger
}

// NewServer returns a Server that verifies tokens with v and logs to log.
func NewServer(v Verifier, log zerolog.Logger) *Server {
	return &Server{verifier: v, log: log}
}

// Serve answers req with e. It never panics and never answers with a
// stack trace; every failure becomes the relay's error shape.
func (s *Server) Serve(ctx context.Context, e Endpoint, req *Request) (resp Response) {
	began := time.Now()
	c := &Call{Request: req, Log: s.log.With().
		Str("request_id", req.RequestID).Str("route", e.Path).Logger()}
	var err error
	defer func() {
		if p := recover(); p != nil {
			err = failure.New(failure.Internal, "the relay failed unexpectedly")
			c.Log.Error().Interface("panic", p).Msg("handler panicked")
			resp = errorResponse(err)
		}
		logOutcome(c, resp, err, time.Since(began))
	}()
	ctx, cancel := context.WithDeadline(ctx, answerBy(ctx))
	defer cancel()
	data, err := s.run(ctx, e, c)
	if err != nil {
		return errorResponse(err)
	}
	return render(e, data, c.warnings)
}

// run checks the request against the endpoint's rules and calls its handler.
func (s *Server) run(ctx context.Context, e Endpoint, c *Call) (any, error) {
	method := e.Method
	if method == "" {
		method = http.MethodPost
	}
	if c.Request.Method != method {
		return nil, &failure.Error{Kind: failure.InvalidArgument,
			Message: "method not allowed, use " + method, Err: errMethodNotAllowed}
	}
	if c.Request.TooLarge {
		return nil, failure.New(failure.InvalidArgument,
			"the request body is larger than %d bytes", MaxBodyBytes)
	}
	if !e.Public {
		claims, err := s.verifier.Verify(ctx, c.Request.Header.Get("Authorization"))
		if err != nil {
			return nil, fmt.Errorf("verify token: %w", err)
		}
		c.Claims = claims
	}
	return e.Handle(ctx, c)
}

// answerReserve is the time kept back from the caller's deadline, so that
// the answer leaves before Lambda or API Gateway gives up on it.
const answerReserve = time.Second

// answerBy returns when a handler must be done: the caller's deadline less
// a reserve, or 28 seconds from now when the caller set none.
func answerBy(ctx context.Context) time.Time {
	if d, ok := ctx.Deadline(); ok {
		return d.Add(-answerReserve)
	}
	return time.Now().Add(28 * time.Second)
}

// render builds the success answer, with warnings when there are any.
func render(e Endpoint, data any, warnings []Problem) Response {
	if e.Unwrapped {
		return jsonResponse(http.StatusOK, data)
	}
	body := map[string]any{"data": data}
	if len(warnings) > 0 {
		body["errors"] = warnings
	}
	return jsonResponse(http.StatusOK, body)
}

// errMethodNotAllowed marks the error of a request with the wrong HTTP
// method, which is answered with a 405.
var errMethodNotAllowed = errors.New("method not allowed")

// logOutcome writes the one log line of a call: route, status, duration,
// and for failures the kind and the detail (never the token).
func logOutcome(c *Call, resp Response, err error, took time.Duration) {
	ev := c.Log.Info()
	if err != nil {
		ev = c.Log.Warn().Str("kind", failure.KindOf(err).String()).Err(err)
	}
	ev.Int("status", resp.Status).Int("warnings", len(c.warnings)).
		Dur("took", took).Msg("call")
}
