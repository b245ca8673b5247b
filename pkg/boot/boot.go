// Package boot builds the relay's parts from the process environment: the
// logger, the token verifier and the shared handler dependencies. Every
// function's main and the local server start here, once per process, so
// that warm invocations reuse what it built.
package boot

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/kelseyhightower/envconfig"
	"github.com/rs/zerolog"

	"github.com/aws-vpc-flow-relay/relay/pkg/auth"
	"github.com/aws-vpc-flow-relay/relay/pkg/awsacct"
	"github.com/aws-vpc-flow-relay/relay/pkg/lambdaapi"
	"github.com/aws-vpc-flow-relay/relay/pkg/relay"
	"github.com/aws-vpc-flow-relay/relay/pkg/routes"
)

// Env is the relay's process configuration.
type Env struct {
	// RelayURL is the relay's public base URL; tokens must name it in aud.
	RelayURL string `envconfig:"RELAY_URL"`
	// Audiences lists further accepted aud values, comma-separated, for
	// a custom domain in front of the API.
	Audiences []string `envconfig:"RELAY_AUDIENCES"`
	// Secret is the HS256 key of configuration tokens. Empty accepts only
	// RS256 tokens from the JWKS hosts. It is for local work; deployed
	// functions use SecretParameter.
	Secret string `envconfig:"RELAY_SECRET"`
	// SecretParameter names the SSM SecureString parameter holding the
	// HS256 key; FromEnv reads it once, at start-up.
	SecretParameter string `envconfig:"RELAY_SECRET_PARAMETER"`
	// JWKSHosts overrides the allow-list of hosts whose key sets may be
	// fetched; empty means the SecureX and XDR visibility hosts.
	JWKSHosts []string `envconfig:"JWKS_HOSTS"`
	// LogLevel is a zerolog level name.
	LogLevel string `envconfig:"LOG_LEVEL" default:"info"`
}

// Relay is what a process needs to serve routes.
type Relay struct {
	Log    zerolog.Logger
	Server *relay.Server
	Deps   routes.Deps
}

// LoadEnv reads Env from the process environment.
func LoadEnv() (Env, error) {
	var env Env
	if err := envconfig.Process("", &env); err != nil {
		return Env{}, fmt.Errorf("read environment: %w", err)
	}
	return env, nil
}

// FromEnv reads Env, fetches the relay secret from Parameter Store when
// RELAY_SECRET_PARAMETER names it, and builds the relay's parts, logging
// to stdout.
func FromEnv() (*Relay, error) {
	env, err := LoadEnv()
	if err != nil {
		return nil, err
	}
	env, err = ResolveSecret(context.Background(), env)
	if err != nil {
		return nil, err
	}
	return New(env, os.Stdout)
}

// New builds the relay's parts from env, logging JSON lines to out.
// RELAY_URL is required: tokens are checked against it.
func New(env Env, out io.Writer) (*Relay, error) {
	if env.RelayURL == "" {
		return nil, fmt.Errorf("RELAY_URL is required: the relay's public base URL")
	}
	level, err := zerolog.ParseLevel(strings.ToLower(env.LogLevel))
	if err != nil {
		return nil, fmt.Errorf("parse LOG_LEVEL %q: %w", env.LogLevel, err)
	}
	log := zerolog.New(out).Level(level).With().Timestamp().Logger()
	verifier := auth.NewVerifier(auth.Options{
		Secret:    []byte(env.Secret),
		Audiences: append([]string{env.RelayURL}, env.Audiences...),
		JWKSHosts: env.JWKSHosts,
	})
	return &Relay{
		Log:    log,
		Server: relay.NewServer(verifier, log),
		Deps:   routes.Deps{Opener: &awsacct.Opener{}},
	}, nil
}

// Router returns a router serving endpoints.
func (r *Relay) Router(endpoints ...relay.Endpoint) *relay.Router {
	return relay.NewRouter(r.Server, endpoints...)
}

// Lambda serves one route as a Lambda function: it builds the relay from
// the environment once, then answers API Gateway events until the runtime
// stops the process. A start-up failure ends the process with a message.
func Lambda(route func(routes.Deps) relay.Endpoint) {
	r, err := FromEnv()
	if err != nil {
		Fatal(err)
	}
	lambda.Start(lambdaapi.Handler(r.Router(route(r.Deps))))
}

// Fatal reports a start-up failure on stderr and exits. It is for mains
// only, before any request is served.
func Fatal(err error) {
	fmt.Fprintln(os.Stderr, "relay: "+err.Error())
	os.Exit(1)
}
