package main

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws-vpc-flow-relay/relay/localstack/seed"
)

func TestRunRefusesWithoutEndpoint(t *testing.T) {
	t.Setenv("AWS_ENDPOINT_URL", "")
	var out strings.Builder
	err := run(t.Context(), []string{"-records", "200"}, &out)
	if err == nil || !strings.Contains(err.Error(), "AWS_ENDPOINT_URL is unset") {
		t.Errorf("run: got %v, want a refusal naming AWS_ENDPOINT_URL", err)
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name      string
		args      []string
		want      seed.Options
		wantTruth string
		wantErr   bool
	}{
		{name: "defaults", want: seed.Options{Records: seed.DefaultRecords,
			Days: seed.DefaultDays, Seed: 1},
			wantTruth: filepath.Join(".cache", "seed-truth.json")},
		{name: "every flag",
			args: []string{"-records", "500", "-days", "2", "-seed", "9",
				"-prefix", "demo-", "-truth", "t.json"},
			want:      seed.Options{Records: 500, Days: 2, Seed: 9, Prefix: "demo-"},
			wantTruth: "t.json"},
		{name: "not a number", args: []string{"-records", "many"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, truth, err := parseFlags(tt.args)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error: got %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && (got != tt.want || truth != tt.wantTruth) {
				t.Errorf("got %+v %q, want %+v %q", got, truth, tt.want, tt.wantTruth)
			}
		})
	}
}

func TestRunWritesTruth(t *testing.T) {
	endpoint := os.Getenv("AWS_ENDPOINT_URL")
	probe := &http.Client{Timeout: 2 * time.Second}
	if resp, err := probe.Get(endpoint); endpoint == "" || err != nil {
		t.Skip("no emulator at AWS_ENDPOINT_URL; start it with " +
			"`go run ./localstack/emulator start`")
	} else {
		resp.Body.Close()
	}
	// run fills unset credentials and region; keep them from leaking into
	// other tests.
	for _, name := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY",
		"AWS_REGION"} {
		t.Setenv(name, os.Getenv(name))
	}
	path := filepath.Join(t.TempDir(), "truth.json")
	prefix := "cmd" + time.Now().Format("150405.000000") + "-"
	var out strings.Builder
	err := run(t.Context(), []string{"-records", "300", "-prefix", prefix,
		"-truth", path}, &out)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	truth, err := seed.ReadTruth(path)
	if err != nil {
		t.Fatal(err)
	}
	if truth.Prefix != prefix || truth.CustomGroup().Lines != 300 {
		t.Errorf("truth: prefix %q, %d lines; want %q, 300",
			truth.Prefix, truth.CustomGroup().Lines, prefix)
	}
	if !strings.Contains(out.String(), truth.Demo.ElasticIP) {
		t.Errorf("summary lacks the Elastic IP:\n%s", out.String())
	}
}
