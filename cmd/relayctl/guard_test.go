package main

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// goodState is a valid state of project p1 in us-east-1, stage prod.
func goodState() map[string]any {
	return map[string]any{"project": "p1", "region": "us-east-1",
		"stage": "prod", "securex_url": "https://visibility.amp.cisco.com",
		"secret_parameter": "/p1/relay-secret", "module_type_id": "mt-1",
		"relay_url": "https://abc.execute-api.us-east-1.amazonaws.com",
		"memory":    256, "timeout": 29, "role_access": "none"}
}

// writeState writes doc as o's state file with mode perm.
func writeState(t *testing.T, o options, doc any, perm os.FileMode) {
	t.Helper()
	raw, err := json.Marshal(doc)
	if err != nil {
		t.Fatalf("encode state: %v", err)
	}
	if err := os.MkdirAll(o.stateDir, 0o700); err != nil {
		t.Fatalf("make state folder: %v", err)
	}
	if err := os.WriteFile(statePath(o), raw, perm); err != nil {
		t.Fatalf("write state: %v", err)
	}
	// WriteFile's mode passes through the umask; set it as asked.
	if err := os.Chmod(statePath(o), perm); err != nil {
		t.Fatalf("chmod state: %v", err)
	}
}

func TestLoadStateRefuses(t *testing.T) {
	with := func(key string, value any) map[string]any {
		doc := goodState()
		if value == nil {
			delete(doc, key)
		} else {
			doc[key] = value
		}
		return doc
	}
	tests := []struct {
		name      string
		doc       any
		perm      os.FileMode
		securex   string // -securex-url given now
		wantErr   string
		wantFound bool
	}{
		{name: "valid", doc: goodState(), wantFound: true},
		{name: "read-only", doc: goodState(), perm: 0o400, wantFound: true},
		{name: "another project", doc: with("project", "p2"),
			wantErr: `project "p2", not "p1"`},
		{name: "another project's parameter", doc: with("secret_parameter",
			"/p2/relay-secret"), wantErr: "secret_parameter"},
		{name: "another region", doc: with("region", "eu-west-1"),
			wantErr: "region"},
		{name: "another stage", doc: with("stage", "local"), wantErr: "stage"},
		{name: "empty object", doc: map[string]any{}, wantErr: "lacks project"},
		{name: "no parameter", doc: with("secret_parameter", nil),
			wantErr: "lacks secret_parameter"},
		{name: "no SecureX URL", doc: with("securex_url", nil),
			wantErr: "securex_url is missing"},
		{name: "plain http SecureX", doc: with("securex_url",
			"http://visibility.amp.cisco.com"), wantErr: "securex_url"},
		{name: "other SecureX host", doc: with("securex_url",
			"https://collector.example"), wantErr: "securex_url"},
		{name: "test server given again", doc: with("securex_url",
			"http://127.0.0.1:9/"), securex: "http://127.0.0.1:9", wantFound: true},
		{name: "test server not given", doc: with("securex_url",
			"http://127.0.0.1:9"), wantErr: "-securex-url"},
		{name: "another test server given", doc: with("securex_url",
			"http://127.0.0.1:9"), securex: "http://127.0.0.1:8",
			wantErr: "securex_url"},
		{name: "module type id with a path", doc: with("module_type_id",
			"../../x"), wantErr: "module_type_id"},
		{name: "no memory", doc: with("memory", nil), wantErr: "memory"},
		{name: "bad role access", doc: with("role_access", "all"),
			wantErr: "-role-access"},
		{name: "bad log retention", doc: with("log_retention", 2),
			wantErr: "-log-retention"},
		{name: "relay URL not http", doc: with("relay_url", "file:///etc"),
			wantErr: "relay_url"},
		{name: "relay URL with an escape code", doc: with("relay_url",
			"https://x.example/\x1b[2J"), wantErr: `relay_url "https://x.example/\x1b[2J"`},
		{name: "assume role pattern", doc: with("assume_role",
			"arn:aws:iam::*:role/relay-*"), wantFound: true},
		{name: "assume role Serverless variable", doc: with("assume_role",
			"arn:${env:AWS_SECRET_ACCESS_KEY}"), wantErr: "-assume-role"},
		{name: "not JSON", doc: "{", wantErr: "decode state"},
		{name: "group-writable", doc: goodState(), perm: 0o620,
			wantErr: "writable by others"},
		{name: "world-writable", doc: goodState(), perm: 0o606,
			wantErr: "writable by others"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := options{project: "p1", region: "us-east-1",
				stateDir: t.TempDir(), given: map[string]bool{}}
			if tt.securex != "" {
				o.securexURL, o.given["securex-url"] = tt.securex, true
			}
			perm := tt.perm
			if perm == 0 {
				perm = 0o600
			}
			if s, ok := tt.doc.(string); ok {
				tt.doc = json.RawMessage(s)
				if err := os.MkdirAll(o.stateDir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(statePath(o), []byte(s), perm); err != nil {
					t.Fatal(err)
				}
			} else {
				writeState(t, o, tt.doc, perm)
			}
			_, found, err := loadState(o)
			checkStateError(t, o, found, err, tt.wantFound, tt.wantErr)
		})
	}
}

// checkStateError checks loadState's answer: found, or an error holding
// wantErr whose advice names the file.
func checkStateError(t *testing.T, o options, found bool, err error,
	wantFound bool, wantErr string) {
	t.Helper()
	if wantErr == "" {
		if err != nil || found != wantFound {
			t.Fatalf("loadState = %t, %v; want found %t", found, err, wantFound)
		}
		return
	}
	if err == nil || found || !strings.Contains(err.Error(), wantErr) {
		t.Fatalf("loadState = %t, %v; want an error with %q", found, err,
			wantErr)
	}
	if got := nextStep(err); !strings.Contains(got, statePath(o)) ||
		!strings.Contains(got, "delete") {
		t.Errorf("next = %q, want advice to fix or delete %s", got,
			statePath(o))
	}
}

// TestCopiedStateDeletesNothing copies proj-b's state to proj-a's file:
// remove -p proj-a must refuse before touching SecureX or the stack.
func TestCopiedStateDeletesNothing(t *testing.T) {
	sx := startStandIn(t)
	sx.types["mt-1"] = map[string]any{"title": "proj-b's"}
	script, calls := fakeServerless(t)
	stateDir := t.TempDir()
	doc := goodState()
	doc["project"], doc["secret_parameter"] = "proj-b", "/proj-b/relay-secret"
	doc["securex_url"], doc["stage"] = sx.url, "local"
	o := options{project: "proj-a", region: "us-east-1", stateDir: stateDir,
		endpoint: "http://127.0.0.1:9"}
	writeState(t, o, doc, 0o600)
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
	t.Setenv("SECUREX_CLIENT_SECRET", standInClientSecret)
	_, err := relayctl(t, "remove", "-r", "us-east-1", "-p", "proj-a",
		"-i", standInClientID, "-securex-url", sx.url, "-serverless", script,
		"-state", stateDir)
	if err == nil || !strings.Contains(err.Error(), `"proj-b"`) {
		t.Fatalf("remove with proj-b's state = %v, want a refusal", err)
	}
	if sx.count() != 1 || len(sx.deleted) != 0 {
		t.Errorf("the stand-in holds %d module types, deleted %v", sx.count(),
			sx.deleted)
	}
	if _, err := os.Stat(calls); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("serverless ran: %v", err)
	}
}

// failingServerless writes a script that prints text and fails, standing
// in for the framework, and returns its path.
func failingServerless(t *testing.T, text string) string {
	t.Helper()
	script := filepath.Join(t.TempDir(), "serverless")
	body := "#!/bin/sh\necho 'Error:'\necho \"" + text + "\"\nexit 1\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatalf("write failing serverless: %v", err)
	}
	return script
}

// TestRemoveTwice removes a deploy that is already gone, twice: the
// missing stack, parameter and state count as removed.
func TestRemoveTwice(t *testing.T) {
	emulator(t)
	t.Chdir("../..")
	project := uniqueProject("twice")
	script := failingServerless(t, "Stack with id "+project+
		"-local does not exist")
	stateDir := filepath.Join(t.TempDir(), "state")
	for i := range 2 {
		out, err := relayctl(t, "remove", "-r", "us-east-1", "-p", project,
			"-serverless", script, "-state", stateDir)
		if err != nil {
			t.Fatalf("remove %d: %v\n%s", i+1, err, out)
		}
		if !strings.Contains(out, "already removed") {
			t.Errorf("remove %d printed:\n%s\nwant the stack already removed",
				i+1, out)
		}
	}
	if entries, _ := os.ReadDir(stateDir); len(entries) != 0 {
		t.Errorf("remove left state files: %v", entries)
	}
}

// TestRemoveFailureKeepsNoState checks that a failing `serverless remove`
// leaves no new state file and says to run remove again.
func TestRemoveFailureKeepsNoState(t *testing.T) {
	t.Chdir("../..")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
	script := failingServerless(t, "The security token included in the "+
		"request is invalid")
	stateDir := filepath.Join(t.TempDir(), "state")
	_, err := relayctl(t, "remove", "-r", "us-east-1", "-p", "gone-1",
		"-serverless", script, "-state", stateDir)
	if err == nil || !strings.Contains(nextStep(err), "task remove") ||
		strings.Contains(nextStep(err), "task update") {
		t.Fatalf("remove = %v, next %q; want advice to remove again", err,
			nextStep(err))
	}
	if _, err := os.Stat(stateDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("remove wrote state before serverless ran: %v", err)
	}
}

// TestDeployKeepsLiveSecret deploys, loses the state file and deploys
// again: the second deploy must refuse, keeping the stored secret and
// registering nothing.
func TestDeployKeepsLiveSecret(t *testing.T) {
	cfg := emulator(t)
	t.Chdir("../..")
	sx := startStandIn(t)
	t.Setenv("SECUREX_CLIENT_SECRET", standInClientSecret)
	script, _ := fakeServerless(t)
	project := uniqueProject("lost")
	stateDir := t.TempDir()
	args := []string{"deploy", "-r", "us-east-1", "-p", project, "-i",
		standInClientID, "-securex-url", sx.url, "-serverless", script,
		"-state", stateDir, "-url", "https://relay.invalid/" + project}
	if out, err := relayctl(t, args...); err != nil {
		t.Fatalf("deploy: %v\n%s", err, out)
	}
	name := "/" + project + "/relay-secret"
	t.Cleanup(func() {
		_, _ = ssm.NewFromConfig(cfg).DeleteParameter(context.Background(),
			&ssm.DeleteParameterInput{Name: aws.String(name)})
	})
	before, _ := parameter(t, cfg, name)
	if err := os.RemoveAll(stateDir); err != nil {
		t.Fatal(err)
	}
	_, err := relayctl(t, args...)
	var next *nextError
	if !errors.As(err, &next) || !strings.Contains(err.Error(), "already") ||
		!strings.Contains(next.next, "state file") {
		t.Fatalf("deploy without state = %v, want a refusal naming the "+
			"state file", err)
	}
	if after, _ := parameter(t, cfg, name); after != before {
		t.Error("the second deploy replaced the live relay secret")
	}
	if sx.count() != 1 {
		t.Errorf("the stand-in holds %d module types, want 1", sx.count())
	}
}

func TestStoreSecretRefusesOverwrite(t *testing.T) {
	cfg := emulator(t)
	name := "/" + uniqueProject("keep") + "/relay-secret"
	c := &cloud{region: "us-east-1", cfg: cfg, ssm: ssm.NewFromConfig(cfg)}
	t.Cleanup(func() { _ = c.deleteSecret(context.Background(), name) })
	if err := c.storeSecret(context.Background(), name, "first"); err != nil {
		t.Fatalf("storeSecret: %v", err)
	}
	err := c.storeSecret(context.Background(), name, "second")
	if err == nil || !strings.Contains(err.Error(), "already holds") {
		t.Fatalf("storeSecret over a stored secret = %v, want a refusal", err)
	}
	if got, _ := parameter(t, cfg, name); got != "first" {
		t.Error("storeSecret replaced the stored secret")
	}
}

// TestLogRetentionKept checks that update keeps the recorded retention
// unless -log-retention is given, and that an older state without one
// takes the flag's value.
func TestLogRetentionKept(t *testing.T) {
	tests := []struct {
		name     string
		recorded int
		flag     int
		given    bool
		want     int
	}{
		{name: "recorded kept", recorded: 90, flag: 30, want: 90},
		{name: "flag replaces", recorded: 90, flag: 14, given: true, want: 14},
		{name: "older state", recorded: 0, flag: 30, want: 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &deployer{opts: options{logRetention: tt.flag,
				given: map[string]bool{"log-retention": tt.given}}}
			s := state{LogRetention: tt.recorded}
			d.merge(&s)
			if s.LogRetention != tt.want || d.opts.logRetention != tt.want {
				t.Errorf("after merge state %d, options %d; want %d",
					s.LogRetention, d.opts.logRetention, tt.want)
			}
		})
	}
	o := options{project: "p1", region: "us-east-1", memory: 256,
		timeout: 29, roleAccess: "none", logRetention: 90}
	if got := (&deployer{opts: o}).newState().LogRetention; got != 90 {
		t.Errorf("newState records log retention %d, want 90", got)
	}
}

// redirector answers every request with a redirect to target.
func redirector(t *testing.T, status int, target string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, target+r.URL.Path, status)
		}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestFailuresSayNext(t *testing.T) {
	t.Chdir("../..")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
	sx := startStandIn(t)
	var hits atomic.Int32
	other := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			_, _ = io.WriteString(w, `{"access_token": "x", "id": "mt-9"}`)
		}))
	t.Cleanup(other.Close)
	nothing := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(nothing.Close)
	deploy := func(url, secret string) []string {
		return []string{"deploy", "-r", "us-east-1", "-p", "next-1", "-i",
			standInClientID, "-s", secret, "-securex-url", url,
			"-state", t.TempDir()}
	}
	tests := []struct {
		name     string
		args     []string
		wantErr  string
		wantNext string
		notNext  string
	}{
		{name: "no command", wantErr: "name a command", wantNext: "deploy"},
		{name: "stray argument", args: []string{"remove", "-r", "us-east-1",
			"-p", "p1", "extra"}, wantErr: "unexpected", wantNext: "-h"},
		{name: "bad region", args: []string{"remove", "-r", "/../../tmp/x",
			"-p", "p1"}, wantErr: "region", wantNext: "-h"},
		{name: "wrong client secret", args: deploy(sx.url, "wrong"),
			wantErr: "401", wantNext: "id and secret"},
		{name: "no token endpoint", args: deploy(nothing.URL,
			standInClientSecret), wantErr: "404", wantNext: "token endpoint",
			notNext: "module type is gone"},
		{name: "token redirect", args: deploy(redirector(t, 307, other.URL),
			standInClientSecret), wantErr: "SecureX answered with a redirect",
			wantNext: "-securex-url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := relayctl(t, tt.args...)
			var next *nextError
			if err == nil || !errors.As(err, &next) {
				t.Fatalf("relayctl = %v, want a failure with advice", err)
			}
			if !strings.Contains(err.Error(), tt.wantErr) ||
				!strings.Contains(next.next, tt.wantNext) ||
				(tt.notNext != "" && strings.Contains(next.next+err.Error(),
					tt.notNext)) {
				t.Errorf("error %q, next %q; want %q and next with %q", err,
					next.next, tt.wantErr, tt.wantNext)
			}
		})
	}
	if hits.Load() != 0 {
		t.Errorf("%d requests followed a redirect", hits.Load())
	}
}
