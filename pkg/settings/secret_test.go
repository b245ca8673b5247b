package settings

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/rs/zerolog"
)

// fullSettings returns settings holding every kind of credential.
func fullSettings() Settings {
	return Settings{
		AccessKey: testAccessKey, SecretKey: testSecretKey,
		SessionToken: testSession, Region: "us-east-1",
		LogGroup: "/vpc/flow-logs", Lookback: 1,
		Networks: prefixes("10.0.0.0/16"), RoleARN: testRoleARN,
	}
}

// TestSettingsRenderingHidesSecrets renders settings every common way and
// checks that no rendering shows a secret, raw or hex-encoded.
func TestSettingsRenderingHidesSecrets(t *testing.T) {
	s := fullSettings()
	zerologJSON := func(log func(zerolog.Logger)) string {
		var buf bytes.Buffer
		log(zerolog.New(&buf))
		return buf.String()
	}
	slogText := func(h func(*bytes.Buffer) slog.Handler) string {
		var buf bytes.Buffer
		slog.New(h(&buf)).Info("settings", "settings", s, "key", s.SecretKey)
		return buf.String()
	}

	tests := []struct {
		name string
		got  func() string
	}{
		{"fmt pointer %+v", func() string { return fmt.Sprintf("%+v", &s) }},
		{"fmt secret %s", func() string { return fmt.Sprintf("%s", s.SecretKey) }},
		{"fmt secret %x", func() string { return fmt.Sprintf("%x", s.SecretKey) }},
		{"fmt secret %#v", func() string {
			return fmt.Sprintf("%#v", s.SessionToken)
		}},
		{"Sprint", func() string { return fmt.Sprint(s, s.SecretKey) }},
		{"String", func() string { return s.SecretKey.String() }},
		{"json", func() string { return string(mustMarshal(t, s)) }},
		{"json pointer", func() string { return string(mustMarshal(t, &s)) }},
		{"zerolog Interface", func() string {
			return zerologJSON(func(l zerolog.Logger) {
				l.Info().Interface("settings", s).Send()
			})
		}},
		{"zerolog Any of pointer", func() string {
			return zerologJSON(func(l zerolog.Logger) {
				l.Info().Any("settings", &s).Send()
			})
		}},
		{"zerolog Object", func() string {
			return zerologJSON(func(l zerolog.Logger) {
				l.Info().Object("settings", s).Send()
			})
		}},
		{"zerolog EmbedObject", func() string {
			return zerologJSON(func(l zerolog.Logger) {
				l.Info().EmbedObject(s).Send()
			})
		}},
		{"zerolog secret fields", func() string {
			return zerologJSON(func(l zerolog.Logger) {
				l.Info().Stringer("secret", s.SecretKey).
					Interface("token", s.SessionToken).Send()
			})
		}},
		{"zerolog Msgf", func() string {
			return zerologJSON(func(l zerolog.Logger) {
				l.Info().Msgf("loaded %+v", s)
			})
		}},
		{"slog text", func() string {
			return slogText(func(b *bytes.Buffer) slog.Handler {
				return slog.NewTextHandler(b, nil)
			})
		}},
		{"slog JSON", func() string {
			return slogText(func(b *bytes.Buffer) slog.Handler {
				return slog.NewJSONHandler(b, nil)
			})
		}},
	}
	// Every verb, including those that do not suit a struct, since fmt
	// still prints the fields for them.
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d"} {
		tests = append(tests, struct {
			name string
			got  func() string
		}{"fmt " + verb, func() string { return fmt.Sprintf(verb, s) }})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.got()
			for _, secret := range []string{testSecretKey, testSession} {
				hexSecret := hex.EncodeToString([]byte(secret))
				if strings.Contains(got, secret) ||
					strings.Contains(strings.ToLower(got), hexSecret) {
					t.Errorf("rendering shows a secret: %s", got)
				}
			}
			if !strings.Contains(got, "[redacted]") &&
				!strings.Contains(got, `"credentials":"static-session"`) {
				t.Errorf("rendering = %s, want a redaction mark", got)
			}
		})
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	return data
}

func TestSecret(t *testing.T) {
	tests := []struct {
		name       string
		secret     Secret
		wantString string
		wantJSON   string
	}{
		{name: "set", secret: testSecretKey,
			wantString: "[redacted]", wantJSON: `"[redacted]"`},
		{name: "empty", secret: "", wantString: "", wantJSON: `""`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.secret.Reveal(); got != string(tt.secret) {
				t.Errorf("Reveal() = %q, want the value", got)
			}
			if got := fmt.Sprint(tt.secret); got != tt.wantString {
				t.Errorf("Sprint() = %q, want %q", got, tt.wantString)
			}
			if got := string(mustMarshal(t, tt.secret)); got != tt.wantJSON {
				t.Errorf("json.Marshal() = %s, want %s", got, tt.wantJSON)
			}
		})
	}
}

// TestSettingsZerologObject checks the fields the settings log, and that
// the credential source is named instead of shown.
func TestSettingsZerologObject(t *testing.T) {
	tests := []struct {
		name     string
		settings Settings
		want     string
	}{
		{name: "function role", settings: base(nil),
			want: `"credentials":"function-role"`},
		{name: "static", settings: base(func(s *Settings) {
			s.AccessKey, s.SecretKey = testAccessKey, testSecretKey
		}), want: `"credentials":"static"`},
		{name: "static with session", settings: fullSettings(),
			want: `"credentials":"static-session"`},
		{name: "networks", settings: fullSettings(),
			want: `"networks":["10.0.0.0/16"]`},
		{name: "region", settings: fullSettings(), want: `"region":"us-east-1"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			logger := zerolog.New(&buf)
			logger.Info().Object("settings", tt.settings).Send()

			if got := buf.String(); !strings.Contains(got, tt.want) {
				t.Errorf("log = %s, want it to contain %s", got, tt.want)
			}
		})
	}
}
