package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws-vpc-flow-relay/relay/pkg/boot"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// TestLoadStateRefusesUntrusted plants a valid state where another user
// could have put it: every case must be refused with advice naming the
// file, and nothing read from it.
func TestLoadStateRefusesUntrusted(t *testing.T) {
	tests := []struct {
		name    string
		plant   func(t *testing.T, o options)
		wantErr string
	}{
		{name: "symbolic link", wantErr: "symbolic link",
			plant: func(t *testing.T, o options) {
				real := filepath.Join(t.TempDir(), "elsewhere.json")
				writeState(t, options{project: "p1", region: "us-east-1",
					stateDir: filepath.Dir(real)}, goodState(), 0o600)
				if err := os.Symlink(filepath.Join(filepath.Dir(real),
					"p1.us-east-1.prod.json"), statePath(o)); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "another user's file", wantErr: "not to you",
			plant: func(t *testing.T, o options) {
				writeState(t, o, goodState(), 0o600)
				uid := os.Getuid()
				currentUID = func() int { return uid + 1 }
				t.Cleanup(func() { currentUID = os.Getuid })
			}},
		{name: "folder others may write", wantErr: "folder",
			plant: func(t *testing.T, o options) {
				writeState(t, o, goodState(), 0o600)
				chmod(t, o.stateDir, 0o777)
			}},
		{name: "shared sticky folder", wantErr: "writable by others",
			plant: func(t *testing.T, o options) {
				writeState(t, o, goodState(), 0o600)
				chmod(t, o.stateDir, 0o777|os.ModeSticky)
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := options{project: "p1", region: "us-east-1",
				stateDir: filepath.Join(t.TempDir(), "deploy"),
				given:    map[string]bool{}}
			if err := os.Mkdir(o.stateDir, 0o700); err != nil {
				t.Fatal(err)
			}
			tt.plant(t, o)
			_, found, err := loadState(o)
			checkStateError(t, o, found, err, false, tt.wantErr)
			if !errors.Is(err, errUnsafeState) {
				t.Errorf("error %v is not errUnsafeState", err)
			}
		})
	}
}

// chmod sets a folder's mode past the umask.
func chmod(t *testing.T, path string, mode os.FileMode) {
	t.Helper()
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}

func TestSaveStateRefusesSharedFolder(t *testing.T) {
	o := options{project: "p1", region: "us-east-1", stateDir: t.TempDir()}
	chmod(t, o.stateDir, 0o777|os.ModeSticky)
	err := saveState(o, state{Project: "p1"})
	if err == nil || !strings.Contains(err.Error(), "writable by others") {
		t.Fatalf("saveState = %v, want a refusal", err)
	}
	if _, serr := os.Lstat(statePath(o)); !errors.Is(serr, os.ErrNotExist) {
		t.Errorf("state written anyway: %v", serr)
	}
}

// missingStore is a Parameter Store without the parameter.
type missingStore struct{}

func (missingStore) ReadParameter(context.Context, string) (boot.Parameter,
	error) {
	return boot.Parameter{}, fmt.Errorf("read: %w", boot.ErrParameterNotFound)
}

func TestMissingSecretAdvice(t *testing.T) {
	_, err := relaySecret(context.Background(), missingStore{}, "/p1/relay-secret")
	if err == nil {
		t.Fatal("relaySecret found a missing parameter")
	}
	text := err.Error() + "\nnext: " + nextStep(err)
	if strings.Contains(text, "update") || strings.Contains(text, "store a new one") {
		t.Errorf("advice %q says update would store a new secret", text)
	}
	if !strings.Contains(nextStep(err), "task remove") ||
		!strings.Contains(nextStep(err), "task deploy") {
		t.Errorf("next = %q, want remove and deploy again", nextStep(err))
	}
	if !errors.Is(err, boot.ErrParameterNotFound) {
		t.Errorf("error %v is not ErrParameterNotFound", err)
	}
}

func TestLoginPrintsClientIDEscaped(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, _ *http.Request) {
			fmt.Fprint(w, `{"access_token": "t-not-to-print"}`)
		}))
	t.Cleanup(srv.Close)
	tests := []struct{ name, id, want string }{
		{name: "plain", id: "client-1", want: "API client client-1 at"},
		{name: "escape code", id: "c\x1b[2J\r\n",
			want: `API client "c\x1b[2J\r\n" at`},
		{name: "quote and space", id: `a "b`, want: `API client "a \"b" at`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			d := &deployer{out: &out, total: 1, opts: options{clientID: tt.id,
				clientSecret: settings.Secret("s-not-to-print")}}
			if _, err := d.login(context.Background(), srv.URL); err != nil {
				t.Fatalf("login: %v", err)
			}
			got := out.String()
			if !strings.Contains(got, tt.want) ||
				strings.ContainsAny(got, "\x1b\r") {
				t.Errorf("output = %q, want %q", got, tt.want)
			}
		})
	}
}
