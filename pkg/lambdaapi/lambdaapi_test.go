package lambdaapi

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/rs/zerolog"

	"github.com/aws-vpc-flow-relay/relay/pkg/auth"
	"github.com/aws-vpc-flow-relay/relay/pkg/relay"
)

func event(t *testing.T, name string) events.APIGatewayV2HTTPRequest {
	t.Helper()
	raw, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	var ev events.APIGatewayV2HTTPRequest
	if err := json.Unmarshal(raw, &ev); err != nil {
		t.Fatal(err)
	}
	return ev
}

func TestRequest(t *testing.T) {
	tests := []struct {
		file, method, path, route, auth, body, query string
	}{
		{"observe-stage-base64.json", "POST", "/observe/observables/",
			"/observe/observables", "Bearer abc.def.ghi",
			`[{"type":"ip","value":"10.0.1.5"}]`, ""},
		{"trigger-default-stage.json", "POST", "/respond/trigger",
			"/respond/trigger", "Bearer abc.def.ghi", "", "isolate-instance"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			req := Request(event(t, tt.file))
			got := []string{req.Method, req.Path, req.Route(),
				req.Header.Get("Authorization"), string(req.Body),
				req.Query.Get("action-id")}
			want := []string{tt.method, tt.path, tt.route, tt.auth, tt.body, tt.query}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("got  %q\nwant %q", got, want)
			}
		})
	}
}

func TestRequestBodyLimits(t *testing.T) {
	big := strings.Repeat("a", relay.MaxBodyBytes+1)
	tests := []struct {
		name     string
		body     string
		base64   bool
		tooLarge bool
		kept     int
	}{
		{"plain at the limit", big[1:], false, false, relay.MaxBodyBytes},
		{"plain over the limit", big, false, true, 0},
		{"base64 over the limit", base64.StdEncoding.EncodeToString([]byte(big)),
			true, true, 0},
		{"invalid base64", "%%%", true, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ev := event(t, "trigger-default-stage.json")
			ev.Body, ev.IsBase64Encoded = tt.body, tt.base64
			req := Request(ev)
			if req.TooLarge != tt.tooLarge || len(req.Body) != tt.kept {
				t.Errorf("too large %v with %d bytes kept, want %v and %d",
					req.TooLarge, len(req.Body), tt.tooLarge, tt.kept)
			}
		})
	}
}

func TestHandlerAnswersInRelayShape(t *testing.T) {
	v := auth.NewVerifier(auth.Options{Secret: []byte("s"), Audiences: []string{"x"}})
	router := relay.NewRouter(relay.NewServer(v, zerolog.Nop()), relay.Endpoint{
		Path: "/observe/observables",
		Handle: func(context.Context, *relay.Call) (any, error) {
			return "unreachable", nil
		},
	})
	resp, err := Handler(router)(context.Background(), event(t, "observe-stage-base64.json"))
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || resp.Headers["Content-Type"] != "application/json" ||
		!strings.Contains(resp.Body, `"code":"authorization error"`) {
		t.Errorf("got %d %v %s, want an authorization error in the relay shape",
			resp.StatusCode, resp.Headers, resp.Body)
	}
	other := event(t, "trigger-default-stage.json")
	resp, _ = Handler(router)(context.Background(), other)
	if resp.StatusCode != 404 || !strings.Contains(resp.Body, `"errors"`) {
		t.Errorf("unknown route: got %d %s, want a JSON 404", resp.StatusCode, resp.Body)
	}
}
