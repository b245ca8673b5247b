package securex

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// elsewhere serves a second host that would accept anything: a token, a
// module type, a deletion. It counts the requests that reach it.
func elsewhere(t *testing.T) (*httptest.Server, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(
		func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, `{"access_token": "other-token", "id": "mt-9"}`)
		}))
	t.Cleanup(srv.Close)
	return srv, &hits
}

func TestRedirectsRefused(t *testing.T) {
	tests := []struct {
		name   string
		key    string
		status int
		call   func(*Client) error
	}{
		{name: "token 302", key: "POST " + tokenPath, status: 302},
		{name: "token 307", key: "POST " + tokenPath, status: 307},
		{name: "create 307", key: "POST " + moduleTypePath, status: 307,
			call: create},
		{name: "find 308", key: "GET " + moduleTypePath + "/mt-42", status: 308,
			call: find},
		{name: "delete 308", key: "DELETE " + moduleTypePath + "/mt-42",
			status: 308, call: remove},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			other, hits := elsewhere(t)
			f := &fakeSecureX{t: t, custom: map[string]http.HandlerFunc{
				tt.key: func(w http.ResponseWriter, r *http.Request) {
					http.Redirect(w, r, other.URL+r.URL.Path, tt.status)
				}}}
			srv := httptest.NewServer(f)
			defer srv.Close()
			c := New(srv.URL, srv.Client())
			err := c.Login(context.Background(), testClientID,
				settings.Secret(testClientSecret))
			if tt.call != nil {
				if err != nil {
					t.Fatalf("Login: %v", err)
				}
				err = tt.call(c)
			}
			checkNoSecret(t, err)
			if hits.Load() != 0 {
				t.Errorf("the redirect was followed: %d requests reached the "+
					"other host", hits.Load())
			}
			want := fmt.Sprintf("SecureX answered %d", tt.status)
			if err == nil || !strings.Contains(err.Error(), want) ||
				!strings.Contains(err.Error(), "SecureX answered with a redirect") {
				t.Fatalf("error = %v, want one naming %q and the redirect", err,
					want)
			}
		})
	}
}

func TestSecretsRedacted(t *testing.T) {
	echo := func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		w.WriteHeader(http.StatusBadRequest)
		fmt.Fprintf(w, "rejected %s with %s and %s", raw,
			r.Header.Get("Authorization"), testClientSecret)
	}
	tests := []struct {
		name string
		key  string
		call func(*Client) error
	}{
		{name: "create", key: "POST " + moduleTypePath, call: create},
		{name: "find", key: "GET " + moduleTypePath + "/mt-42", call: find},
		{name: "delete", key: "DELETE " + moduleTypePath + "/mt-42",
			call: remove},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeSecureX{custom: map[string]http.HandlerFunc{tt.key: echo}}
			err := tt.call(start(t, f))
			checkNoSecret(t, err)
			if err == nil || !strings.Contains(err.Error(), "[redacted]") {
				t.Errorf("error = %v, want SecureX's text with the secrets "+
					"replaced", err)
			}
		})
	}
}

func TestLoginRedactsClientSecret(t *testing.T) {
	f := &fakeSecureX{t: t, custom: map[string]http.HandlerFunc{
		"POST " + tokenPath: func(w http.ResponseWriter, r *http.Request) {
			_, secret, _ := r.BasicAuth()
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprintf(w, `{"error": "invalid_client", "message": "%s"}`, secret)
		}}}
	srv := httptest.NewServer(f)
	defer srv.Close()
	err := New(srv.URL, srv.Client()).Login(context.Background(), testClientID,
		settings.Secret(testClientSecret))
	checkNoSecret(t, err)
	if err == nil || !strings.Contains(err.Error(), "[redacted]") {
		t.Errorf("error = %v, want the echoed secret replaced", err)
	}
}

func TestAnswerTooLarge(t *testing.T) {
	huge := `{"id": "mt-1", "pad": "` + strings.Repeat("x", maxAnswer) + `"}`
	f := &fakeSecureX{custom: map[string]http.HandlerFunc{
		"POST " + moduleTypePath: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusCreated)
			_, _ = io.WriteString(w, huge)
		}}}
	err := create(start(t, f))
	if err == nil || !strings.Contains(err.Error(), "too large") ||
		strings.Contains(err.Error(), "JSON") {
		t.Errorf("error = %v, want one saying the answer is too large", err)
	}
}

func TestCreatedIDChecked(t *testing.T) {
	tests := []struct {
		name string
		id   string
	}{
		{name: "path", id: "../../module-type"},
		{name: "control characters", id: "mt-1\x1b[2J\x07"},
		{name: "space", id: "mt 1"},
		{name: "too long", id: strings.Repeat("a", 129)},
		{name: "non-ASCII", id: "mt-é"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeSecureX{custom: map[string]http.HandlerFunc{
				"POST " + moduleTypePath: func(w http.ResponseWriter,
					r *http.Request) {
					raw, _ := json.Marshal(map[string]string{"id": tt.id})
					w.WriteHeader(http.StatusCreated)
					_, _ = w.Write(raw)
				}}}
			id, err := start(t, f).CreateModuleType(context.Background(),
				[]byte(`{}`))
			if err == nil || id != "" {
				t.Fatalf("CreateModuleType = %q, %v; want an error", id, err)
			}
			if strings.ContainsFunc(err.Error(), func(r rune) bool {
				return r < 0x20 || r == 0x7f
			}) {
				t.Errorf("error %q holds control characters", err)
			}
		})
	}
}

func TestValidID(t *testing.T) {
	tests := []struct {
		id   string
		want bool
	}{
		{id: "mt-42", want: true},
		{id: "3fa85f64-5717-4562-b3fc-2c963f66afa6", want: true},
		{id: "A_b-9", want: true},
		{id: strings.Repeat("a", 128), want: true},
		{id: strings.Repeat("a", 129)},
		{id: ""},
		{id: "a/b"},
		{id: "a\nb"},
		{id: "a%2Fb"},
	}
	for _, tt := range tests {
		if got := ValidID(tt.id); got != tt.want {
			t.Errorf("ValidID(%q) = %t, want %t", tt.id, got, tt.want)
		}
	}
}

func TestIDsCheckedBeforeCalls(t *testing.T) {
	f := &fakeSecureX{}
	c := start(t, f)
	if _, err := c.ModuleTypeExists(context.Background(), "../x"); err == nil {
		t.Error("ModuleTypeExists(../x) succeeded")
	}
	err := c.DeleteModuleType(context.Background(), "a/b")
	if err == nil || errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteModuleType(a/b) = %v, want a refusal", err)
	}
	if len(f.deleted) != 0 {
		t.Errorf("deleted %v", f.deleted)
	}
}

func TestKnownBaseURL(t *testing.T) {
	tests := []struct {
		base string
		want bool
	}{
		{base: "https://visibility.amp.cisco.com", want: true},
		{base: "https://visibility.eu.amp.cisco.com/", want: true},
		{base: "http://visibility.amp.cisco.com"},
		{base: "https://visibility.amp.cisco.com.example"},
		{base: "http://127.0.0.1:8080"},
		{base: ""},
	}
	for _, tt := range tests {
		if got := KnownBaseURL(tt.base); got != tt.want {
			t.Errorf("KnownBaseURL(%q) = %t, want %t", tt.base, got, tt.want)
		}
	}
}

func TestLoginRedactsEncodedSecret(t *testing.T) {
	basic := base64.StdEncoding.EncodeToString(
		[]byte(testClientID + ":" + testClientSecret))
	var escaped strings.Builder
	for _, r := range testClientSecret {
		fmt.Fprintf(&escaped, `\u%04X`, r)
	}
	zeroWidth := testClientSecret[:6] + "\u200b" + testClientSecret[6:]
	tests := []struct {
		name string
		body string
	}{
		{name: "basic header", body: "bad credentials in Basic " + basic},
		{name: "base64 secret", body: "bad secret " +
			base64.StdEncoding.EncodeToString([]byte(testClientSecret))},
		{name: "json escapes in a field",
			body: `{"error": "invalid_client", "message": "` +
				escaped.String() + `"}`},
		{name: "json escapes in text", body: `no "` + escaped.String() + `"`},
		{name: "zero-width space", body: "bad secret " + zeroWidth},
		{name: "zero-width space in json",
			body: `{"message": "bad ` + zeroWidth + `"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeSecureX{t: t, custom: map[string]http.HandlerFunc{
				"POST " + tokenPath: func(w http.ResponseWriter, _ *http.Request) {
					w.WriteHeader(http.StatusUnauthorized)
					_, _ = io.WriteString(w, tt.body)
				}}}
			srv := httptest.NewServer(f)
			defer srv.Close()
			err := New(srv.URL, srv.Client()).Login(context.Background(),
				testClientID, settings.Secret(testClientSecret))
			checkNoSecret(t, err)
			got := ""
			if err != nil {
				got = err.Error()
			}
			for _, leak := range []string{basic, testClientSecret[6:]} {
				if strings.Contains(got, leak) {
					t.Errorf("error %q holds the secret as %q", got, leak)
				}
			}
			if !strings.Contains(got, "[redacted]") {
				t.Errorf("error = %q, want the echoed secret replaced", got)
			}
		})
	}
}

func TestUnescapeJSON(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{name: "plain", in: "no escapes", want: "no escapes"},
		{name: "letters", in: `\u0041\u0062`, want: "Ab"},
		{name: "surrogate pair", in: `x\ud83d\ude00y`, want: "x\U0001F600y"},
		{name: "short escapes", in: `a\"b\\c\/d\ne`, want: "a\"b\\c/d\ne"},
		{name: "not an escape", in: `\q\u12`, want: `\q\u12`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := unescapeJSON(tt.in); got != tt.want {
				t.Errorf("unescapeJSON(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
