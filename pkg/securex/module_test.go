package securex

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

func TestParseModuleType(t *testing.T) {
	spec := `"configuration_spec": [{"key": "custom_REGION"}]`
	caps := `"capabilities": [{"id": "health"}]`
	props := `"properties": {"supported-apis": ["health"]}`
	tests := []struct {
		name    string
		doc     string
		wantErr string
	}{
		{name: "complete", doc: `{"title": "t", ` + spec + `, ` + caps + `, ` +
			props + `}`},
		{name: "no title", doc: `{` + spec + `, ` + caps + `, ` + props + `}`,
			wantErr: "title"},
		{name: "key without prefix", doc: `{"title": "t", ` +
			`"configuration_spec": [{"key": "REGION"}], ` + caps + `, ` + props + `}`,
			wantErr: "custom_ prefix"},
		{name: "no capabilities", doc: `{"title": "t", ` + spec + `, ` + props + `}`,
			wantErr: "capabilities"},
		{name: "no supported apis", doc: `{"title": "t", ` + spec + `, ` + caps + `}`,
			wantErr: "supported-apis"},
		{name: "not JSON", doc: `{`, wantErr: "decode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseModuleType([]byte(tt.doc))
			if tt.wantErr == "" && err != nil {
				t.Fatalf("ParseModuleType = %v, want nil", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(),
				tt.wantErr)) {
				t.Fatalf("ParseModuleType = %v, want an error about %s", err,
					tt.wantErr)
			}
		})
	}
}

func TestBind(t *testing.T) {
	m, err := LoadModuleType("../../module_type.json")
	if err != nil {
		t.Fatalf("LoadModuleType: %v", err)
	}
	tests := []struct {
		name    string
		url     string
		key     string
		wantErr bool
	}{
		{name: "https", url: "https://x.execute-api.us-east-1.amazonaws.com",
			key: testRelaySecret},
		{name: "emulator", url: "http://localhost:4566/relay", key: testRelaySecret},
		{name: "no scheme", url: "x.example", key: testRelaySecret, wantErr: true},
		{name: "empty key", url: "https://x.example", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, err := m.Bind(tt.url, settings.Secret(tt.key))
			if (err != nil) != tt.wantErr {
				t.Fatalf("Bind = %v, want error %t", err, tt.wantErr)
			}
			if err != nil {
				return
			}
			var got struct{ Properties map[string]any }
			if err := json.Unmarshal(body, &got); err != nil {
				t.Fatalf("bound body: %v", err)
			}
			if got.Properties["url"] != tt.url ||
				got.Properties["configuration-token-key"] != tt.key {
				t.Errorf("properties = %v, want url %s and the key", got.Properties,
					tt.url)
			}
		})
	}
	// The loaded document stays a template for the next Bind.
	props := m.doc["properties"].(map[string]any)
	if props["configuration-token-key"] == testRelaySecret {
		t.Error("Bind changed the loaded module type")
	}
}

func TestDetail(t *testing.T) {
	tests := []struct {
		name string
		body string
		want string
	}{
		{name: "oauth error", body: `{"error": "invalid_client",
			"error_description": "bad client"}`, want: "invalid_client: bad client"},
		{name: "message", body: `{"message": "no scope"}`, want: "no scope"},
		{name: "text", body: "Service\n  Unavailable", want: "Service Unavailable"},
		{name: "long", body: strings.Repeat("x", 300),
			want: strings.Repeat("x", maxDetail) + "..."},
		{name: "empty", body: "", want: ""},
		{name: "control characters", body: "bad\x1b[2J\x07 request\x00",
			want: "bad [2J request"},
		{name: "invalid UTF-8", body: "bad \xff", want: "bad ?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := detail([]byte(tt.body)); got != tt.want {
				t.Errorf("detail = %q, want %q", got, tt.want)
			}
		})
	}
}
