// Package emutest lets tests reach the AWS emulator at AWS_ENDPOINT_URL.
// A test that needs it skips, saying how to start one, when none answers;
// `go tool task test` starts one for every package.
package emutest

import (
	"context"
	"net/http"
	"os"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// probeTimeout bounds the request that checks whether the emulator answers.
const probeTimeout = 2 * time.Second

// Answers reports whether an HTTP server answers at url.
func Answers(url string) bool {
	if url == "" {
		return false
	}
	ctx, cancel := context.WithTimeout(context.Background(), probeTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return true
}

// SkipReason returns why tests that need the emulator must skip, or ""
// when one answers at AWS_ENDPOINT_URL.
func SkipReason() string {
	endpoint := os.Getenv("AWS_ENDPOINT_URL")
	if Answers(endpoint) {
		return ""
	}
	return "no AWS emulator answers at AWS_ENDPOINT_URL=" + endpoint +
		"; run `go tool task test`, or start one with " +
		"`go run ./localstack/emulator start`"
}

// Need skips t unless the emulator answers.
func Need(t testing.TB) {
	t.Helper()
	if why := SkipReason(); why != "" {
		t.Skip(why)
	}
}

// Config skips t unless the emulator answers, and returns the AWS
// configuration of the environment in us-east-1.
func Config(t testing.TB) aws.Config {
	t.Helper()
	Need(t)
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"))
	if err != nil {
		t.Fatalf("load AWS configuration: %v", err)
	}
	return cfg
}
