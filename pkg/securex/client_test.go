package securex

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// Credentials of the fake SecureX; the tests check that none of them
// leaks into an error.
const (
	testClientID     = "client-0123"
	testClientSecret = "client-secret-must-not-leak"
	testToken        = "access-token-must-not-leak"
	testRelaySecret  = "relay-secret-must-not-leak"
)

// fakeSecureX plays the token endpoint and the module-type API. status,
// when set for a path, replaces the normal answer.
type fakeSecureX struct {
	t       *testing.T
	status  map[string]int
	created [][]byte
	deleted []string
	// custom, when set for a path, answers in place of the fake.
	custom map[string]http.HandlerFunc
}

func (f *fakeSecureX) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := r.Method + " " + r.URL.Path
	if h := f.custom[key]; h != nil {
		h(w, r)
		return
	}
	if code := f.status[key]; code != 0 {
		w.WriteHeader(code)
		_, _ = io.WriteString(w, `{"error": "refused", "message": "by the test"}`)
		return
	}
	if r.URL.Path == tokenPath {
		f.token(w, r)
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		f.t.Errorf("%s: Authorization = %q, want the bearer token", key,
			r.Header.Get("Authorization"))
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	switch {
	case key == "POST "+moduleTypePath:
		body, _ := io.ReadAll(r.Body)
		f.created = append(f.created, body)
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, `{"id": "mt-42", "title": "x"}`)
	case key == "GET "+moduleTypePath+"/mt-42":
		_, _ = io.WriteString(w, `{"id": "mt-42"}`)
	case key == "DELETE "+moduleTypePath+"/mt-42":
		f.deleted = append(f.deleted, "mt-42")
		w.WriteHeader(http.StatusNoContent)
	default:
		w.WriteHeader(http.StatusNotFound)
		_, _ = io.WriteString(w, `{"error": "not found"}`)
	}
}

// token checks the client credentials grant and answers a token.
func (f *fakeSecureX) token(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if r.Method != http.MethodPost || !ok || id != testClientID ||
		secret != testClientSecret {
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error": "invalid_client"}`)
		return
	}
	if got := r.Header.Get("Content-Type"); got != "application/x-www-form-urlencoded" {
		f.t.Errorf("token Content-Type = %q, want a form", got)
	}
	if err := r.ParseForm(); err != nil || r.PostForm.Get("grant_type") !=
		"client_credentials" {
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error": "unsupported_grant_type"}`)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = io.WriteString(w, `{"access_token": "`+testToken+
		`", "token_type": "bearer", "expires_in": 600}`)
}

// start serves f and returns a client logged in to it.
func start(t *testing.T, f *fakeSecureX) *Client {
	t.Helper()
	f.t = t
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	c := New(srv.URL, srv.Client())
	if err := c.Login(context.Background(), testClientID,
		settings.Secret(testClientSecret)); err != nil {
		t.Fatalf("Login: %v", err)
	}
	return c
}

// checkNoSecret fails when err's text holds any test secret.
func checkNoSecret(t *testing.T, err error) {
	t.Helper()
	for _, s := range []string{testClientSecret, testToken, testRelaySecret} {
		if err != nil && strings.Contains(err.Error(), s) {
			t.Errorf("error %q holds a secret", err)
		}
	}
}

func TestBaseURL(t *testing.T) {
	tests := []struct {
		region  string
		want    string
		wantErr bool
	}{
		{region: "US", want: "https://visibility.amp.cisco.com"},
		{region: "eu", want: "https://visibility.eu.amp.cisco.com"},
		{region: " APJC ", want: "https://visibility.apjc.amp.cisco.com"},
		{region: "ASIA", wantErr: true},
		{region: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.region, func(t *testing.T) {
			got, err := BaseURL(tt.region)
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("BaseURL(%q) = %q, %v; want %q, error %t",
					tt.region, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestLogin(t *testing.T) {
	tests := []struct {
		name       string
		id, secret string
		status     int
		wantStatus int
		wantHint   string
	}{
		{name: "accepted", id: testClientID, secret: testClientSecret},
		{name: "wrong secret", id: testClientID, secret: "wrong",
			wantStatus: 401, wantHint: "id and secret"},
		{name: "unknown client", id: "other", secret: testClientSecret,
			wantStatus: 401, wantHint: "SecureX region"},
		{name: "forbidden", id: testClientID, secret: testClientSecret,
			status: 403, wantStatus: 403, wantHint: "Integration scope"},
		{name: "server error", id: testClientID, secret: testClientSecret,
			status: 500, wantStatus: 500, wantHint: "try again"},
		{name: "empty secret", id: testClientID, wantHint: "id and secret"},
		{name: "no token endpoint", id: testClientID, secret: testClientSecret,
			status: 404, wantStatus: 404, wantHint: "no token endpoint"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeSecureX{t: t, status: map[string]int{}}
			if tt.status != 0 {
				f.status["POST "+tokenPath] = tt.status
			}
			srv := httptest.NewServer(f)
			defer srv.Close()
			c := New(srv.URL, srv.Client())
			err := c.Login(context.Background(), tt.id, settings.Secret(tt.secret))
			checkNoSecret(t, err)
			if tt.wantHint == "" {
				if err != nil || c.token != testToken {
					t.Fatalf("Login = %v, token kept %t; want success", err,
						c.token == testToken)
				}
				return
			}
			checkError(t, err, tt.wantStatus, tt.wantHint)
			if errors.Is(err, ErrNotFound) ||
				strings.Contains(err.Error(), "module type") {
				t.Errorf("Login error %q speaks of a module type", err)
			}
		})
	}
}

// checkError fails unless err is an *Error with the status and a hint
// holding wantHint.
func checkError(t *testing.T, err error, wantStatus int, wantHint string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error = %v (%T), want *Error", err, err)
	}
	if e.Status != wantStatus || !strings.Contains(e.Hint, wantHint) {
		t.Errorf("error status %d hint %q; want %d and a hint with %q",
			e.Status, e.Hint, wantStatus, wantHint)
	}
}

func TestCreateModuleType(t *testing.T) {
	m, err := LoadModuleType("../../module_type.json")
	if err != nil {
		t.Fatalf("LoadModuleType: %v", err)
	}
	body, err := m.Bind("https://abc.execute-api.eu-west-1.amazonaws.com/",
		settings.Secret(testRelaySecret))
	if err != nil {
		t.Fatalf("Bind: %v", err)
	}
	f := &fakeSecureX{}
	c := start(t, f)
	id, err := c.CreateModuleType(context.Background(), body)
	if err != nil || id != "mt-42" {
		t.Fatalf("CreateModuleType = %q, %v; want mt-42", id, err)
	}
	if len(f.created) != 1 {
		t.Fatalf("module types created: %d, want 1", len(f.created))
	}
	checkCreatedBody(t, f.created[0])
}

// checkSpec checks that the configuration keys of existing modules stay.
func checkSpec(t *testing.T, spec []struct{ Key string }) {
	t.Helper()
	keys := map[string]bool{}
	for _, s := range spec {
		keys[s.Key] = true
	}
	for _, k := range []string{"custom_ACCESS_KEY", "custom_SECRET_KEY",
		"custom_REGION", "custom_LOG_GROUP", "custom_TIME_ZONE",
		"custom_LOOKBACK", "custom_LIMIT", "custom_INGRESS-FLOWS",
		"custom_EGRESS-FLOWS", "custom_NETWORKS"} {
		if !keys[k] {
			t.Errorf("configuration_spec lacks %s", k)
		}
	}
}

// checkCreatedBody checks the fields SecureX needs in a module type.
func checkCreatedBody(t *testing.T, raw []byte) {
	t.Helper()
	var got struct {
		Title      string                 `json:"title"`
		Spec       []struct{ Key string } `json:"configuration_spec"`
		Caps       []struct{ ID string }  `json:"capabilities"`
		Properties map[string]any         `json:"properties"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("created body is not JSON: %v", err)
	}
	if got.Title == "" {
		t.Error("title is empty")
	}
	checkSpec(t, got.Spec)
	caps := map[string]bool{}
	for _, c := range got.Caps {
		caps[c.ID] = true
	}
	for _, c := range []string{"health", "observe", "refer", "respond", "tiles"} {
		if !caps[c] {
			t.Errorf("capabilities lack %s", c)
		}
	}
	wantProps := map[string]any{
		"url":                          "https://abc.execute-api.eu-west-1.amazonaws.com",
		"auth-type":                    "configuration-token",
		"configuration-token-alg":      "HS256",
		"configuration-token-key":      testRelaySecret,
		"configuration-token-audience": "https://abc.execute-api.eu-west-1.amazonaws.com",
	}
	for k, want := range wantProps {
		if got.Properties[k] != want {
			t.Errorf("properties.%s = %v, want %v", k, got.Properties[k], want)
		}
	}
	apis, _ := got.Properties["supported-apis"].([]any)
	if len(apis) < 8 {
		t.Errorf("properties.supported-apis = %v, want every route", apis)
	}
}

func TestModuleTypeFailures(t *testing.T) {
	tests := []struct {
		name     string
		call     func(*Client) error
		key      string
		status   int
		wantHint string
	}{
		{name: "create unauthorized", key: "POST " + moduleTypePath,
			status: 401, wantHint: "id and secret", call: create},
		{name: "create forbidden", key: "POST " + moduleTypePath,
			status: 403, wantHint: "Integration scope", call: create},
		{name: "create server error", key: "POST " + moduleTypePath,
			status: 500, wantHint: "try again", call: create},
		{name: "create bad request", key: "POST " + moduleTypePath,
			status: 400, wantHint: "module_type.json", call: create},
		{name: "delete forbidden", key: "DELETE " + moduleTypePath + "/mt-42",
			status: 403, wantHint: "Integration scope", call: remove},
		{name: "delete server error", key: "DELETE " + moduleTypePath + "/mt-42",
			status: 503, wantHint: "try again", call: remove},
		{name: "find unauthorized", key: "GET " + moduleTypePath + "/mt-42",
			status: 401, wantHint: "id and secret", call: find},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeSecureX{status: map[string]int{tt.key: tt.status}}
			err := tt.call(start(t, f))
			checkNoSecret(t, err)
			checkError(t, err, tt.status, tt.wantHint)
			if !strings.Contains(err.Error(), "refused: by the test") {
				t.Errorf("error %q lacks SecureX's explanation", err)
			}
		})
	}
}

func create(c *Client) error {
	_, err := c.CreateModuleType(context.Background(),
		[]byte(`{"properties": {"configuration-token-key": "`+
			testRelaySecret+`"}}`))
	return err
}

func remove(c *Client) error {
	return c.DeleteModuleType(context.Background(), "mt-42")
}

func find(c *Client) error {
	_, err := c.ModuleTypeExists(context.Background(), "mt-42")
	return err
}

func TestDeleteModuleType(t *testing.T) {
	f := &fakeSecureX{}
	c := start(t, f)
	if err := c.DeleteModuleType(context.Background(), "mt-42"); err != nil {
		t.Fatalf("DeleteModuleType(mt-42) = %v, want nil", err)
	}
	if len(f.deleted) != 1 {
		t.Errorf("deleted %v, want [mt-42]", f.deleted)
	}
	err := c.DeleteModuleType(context.Background(), "mt-gone")
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("DeleteModuleType(mt-gone) = %v, want ErrNotFound", err)
	}
}

func TestModuleTypeExists(t *testing.T) {
	c := start(t, &fakeSecureX{})
	tests := []struct {
		id   string
		want bool
	}{
		{id: "mt-42", want: true},
		{id: "mt-gone", want: false},
	}
	for _, tt := range tests {
		got, err := c.ModuleTypeExists(context.Background(), tt.id)
		if err != nil || got != tt.want {
			t.Errorf("ModuleTypeExists(%s) = %t, %v; want %t", tt.id, got, err,
				tt.want)
		}
	}
}

func TestCallsNeedLogin(t *testing.T) {
	c := New("http://127.0.0.1:1", nil)
	if _, err := c.CreateModuleType(context.Background(), []byte("{}")); err == nil {
		t.Error("CreateModuleType before Login succeeded")
	}
}

func TestUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	base := srv.URL
	srv.Close()
	err := New(base, nil).Login(context.Background(), testClientID,
		settings.Secret(testClientSecret))
	checkNoSecret(t, err)
	checkError(t, err, 0, "network")
}
