package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/aws-vpc-flow-relay/relay/pkg/auth"
)

// secret and relayURL configure the measured function.
const (
	secret   = "coldstart-secret-0123456789abcdef"
	relayURL = "https://coldstart.example"
)

// build compiles the function as the deploy does.
func build(ctx context.Context, function, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-ldflags=-s -w",
		"-tags", "lambda.norpc", "-o", out, "./functions/"+function)
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("build %s: %w", function, err)
	}
	return nil
}

// once starts the function against a fresh runtime stand-in and returns
// the time until it posted its first answer.
func once(ctx context.Context, bin string) (time.Duration, error) {
	event, err := firstEvent()
	if err != nil {
		return 0, err
	}
	answered := make(chan string, 1)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{Handler: runtimeAPI(event, answered)}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	cmd := exec.CommandContext(ctx, bin)
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_RUNTIME_API="+ln.Addr().String(),
		"RELAY_URL="+relayURL, "RELAY_SECRET="+secret, "LOG_LEVEL=warn",
		"AWS_REGION=us-east-1", "_HANDLER=bootstrap")
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return 0, fmt.Errorf("start function: %w", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	select {
	case body := <-answered:
		if !strings.Contains(body, `"statusCode":200`) {
			return 0, fmt.Errorf("unexpected answer: %s", body)
		}
		return time.Since(began), nil
	case <-time.After(10 * time.Second):
		return 0, fmt.Errorf("no answer within 10 s")
	}
}

// firstEvent is an observe request with a valid token and an observable
// type the relay skips.
func firstEvent() ([]byte, error) {
	tok, err := auth.SignHS256([]byte(secret), map[string]any{
		"aud": relayURL, "exp": time.Now().Add(time.Minute).Unix(),
		"REGION": "us-east-1", "LOG_GROUP": "flows",
	})
	if err != nil {
		return nil, fmt.Errorf("sign token: %w", err)
	}
	ev := events.APIGatewayV2HTTPRequest{
		RawPath: "/observe/observables",
		Headers: map[string]string{"authorization": "Bearer " + tok},
		Body:    `[{"type":"domain","value":"example.com"}]`,
	}
	ev.RequestContext.HTTP.Method = "POST"
	ev.RequestContext.Stage = "$default"
	return json.Marshal(ev)
}

// runtimeAPI serves the two Lambda Runtime API calls a function makes for
// one invocation: the next event, and its response.
func runtimeAPI(event []byte, answered chan<- string) http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next",
		func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Lambda-Runtime-Aws-Request-Id", "cold-1")
			w.Header().Set("Lambda-Runtime-Deadline-Ms",
				fmt.Sprint(time.Now().Add(30*time.Second).UnixMilli()))
			w.Header().Set("Lambda-Runtime-Invoked-Function-Arn",
				"arn:aws:lambda:us-east-1:123456789012:function:observe")
			_, _ = w.Write(event)
		})
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response",
		func(w http.ResponseWriter, r *http.Request) {
			body, _ := io.ReadAll(r.Body)
			w.WriteHeader(http.StatusAccepted)
			answered <- string(body)
		})
	return mux
}
