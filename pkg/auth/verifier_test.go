package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// unix returns t as a NumericDate claim value.
func unix(t time.Time) float64 { return float64(t.Unix()) }

// payload returns claims valid for the test verifier, changed by set and
// with the drop keys removed.
func payload(set map[string]any, drop ...string) map[string]any {
	c := map[string]any{
		"aud":       testAudience,
		"sub":       "analyst@example.com",
		"iat":       unix(testStart.Add(-time.Minute)),
		"exp":       unix(testStart.Add(5 * time.Minute)),
		"jwks_host": testHost,
		"REGION":    "us-east-1",
	}
	for k, v := range set {
		c[k] = v
	}
	for _, k := range drop {
		delete(c, k)
	}
	return c
}

var (
	hsHeader = map[string]any{"alg": "HS256", "typ": "JWT"}
	rsHeader = map[string]any{"alg": "RS256", "typ": "JWT", "kid": "k1"}
)

// bearer prefixes a token with the Bearer scheme.
func bearer(token string) string { return "Bearer " + token }

// hs returns a Bearer header for an HS256 token under the test secret.
func hs(set map[string]any, drop ...string) func(testing.TB) string {
	return func(t testing.TB) string {
		return bearer(signHMAC(t, testSecret, hsHeader, payload(set, drop...)))
	}
}

// rs returns a Bearer header for an RS256 token signed with test key i.
func rs(i int, set map[string]any, drop ...string) func(testing.TB) string {
	return func(t testing.TB) string {
		claims := payload(set, drop...)
		return bearer(signRSA(t, testRSAKey(t, i), rsHeader, claims))
	}
}

// raw returns a fixed header value.
func raw(value string) func(testing.TB) string {
	return func(testing.TB) string { return value }
}

// segments returns a Bearer header made of the given raw JSON parts and
// signature bytes, for tokens no library would produce.
func segments(header, claims string, sig []byte) func(testing.TB) string {
	return func(testing.TB) string {
		return bearer(b64([]byte(header)) + "." + b64([]byte(claims)) +
			"." + b64(sig))
	}
}

// noSecret disables HS256.
func noSecret(o *Options) { o.Secret = nil }

func TestVerify(t *testing.T) {
	// A huge token that is otherwise valid, so only the size bound stops it.
	huge := hs(map[string]any{"pad": strings.Repeat("p", 16<<10)})

	tests := []struct {
		name        string
		tweak       func(*Options)
		header      func(testing.TB) string
		want        string // the error message; empty for success
		wantFetches int64
	}{
		{name: "valid HS256", header: hs(nil)},
		{name: "valid HS256 lower-case scheme", header: func(t testing.TB) string {
			return "bearer " + signHMAC(t, testSecret, hsHeader, payload(nil))
		}},
		{name: "valid RS256", header: rs(0, nil), wantFetches: 1},
		{name: "valid RS256 upper-case jwks_host",
			header:      rs(0, map[string]any{"jwks_host": "VISIBILITY.amp.cisco.COM"}),
			wantFetches: 1},
		{name: "valid RS256 EU host",
			header:      rs(0, map[string]any{"jwks_host": "visibility.eu.amp.cisco.com"}),
			wantFetches: 1},
		{name: "HS256 wrong secret", header: func(t testing.TB) string {
			return bearer(signHMAC(t, []byte("not-the-secret"), hsHeader, payload(nil)))
		}, want: msgSignature},
		{name: "HS256 disabled without secret", tweak: noSecret,
			header: hs(nil), want: msgSignature},
		{name: "RS256 wrong key", header: rs(1, nil),
			want: msgSignature, wantFetches: 1},
		{name: "RS256 disabled by empty allow-list",
			tweak:  func(o *Options) { o.JWKSHosts = []string{} },
			header: rs(0, nil), want: msgJWKSHost},
		{name: "alg none", header: segments(
			`{"alg":"none","typ":"JWT"}`, string(mustJSON(t, payload(nil))), nil),
			want: msgSignature},
		{name: "alg none without secret", tweak: noSecret, header: segments(
			`{"alg":"none"}`, string(mustJSON(t, payload(nil))), nil),
			want: msgSignature},
		{name: "alg lower-case hs256", header: func(t testing.TB) string {
			h := map[string]any{"alg": "hs256"}
			return bearer(signHMAC(t, testSecret, h, payload(nil)))
		}, want: msgSignature},
		{name: "alg HS512", header: func(t testing.TB) string {
			h := map[string]any{"alg": "HS512"}
			return bearer(signHMAC(t, testSecret, h, payload(nil)))
		}, want: msgSignature},
		{name: "HS256 signed with RSA public key PEM", header: hmacWithPublicKey(
			func(t testing.TB) []byte { return publicKeyPEM(t, testRSAKey(t, 0)) }),
			want: msgSignature},
		{name: "HS256 signed with RSA public key PEM without secret",
			tweak: noSecret,
			header: hmacWithPublicKey(func(t testing.TB) []byte {
				return publicKeyPEM(t, testRSAKey(t, 0))
			}),
			want: msgSignature},
		{name: "HS256 signed with RSA modulus bytes", header: hmacWithPublicKey(
			func(t testing.TB) []byte { return testRSAKey(t, 0).N.Bytes() }),
			want: msgSignature},
		{name: "expired", want: msgExpired, header: hs(map[string]any{
			"exp": unix(testStart.Add(-2 * time.Minute))})},
		{name: "expired at exactly exp plus leeway", want: msgExpired,
			header: hs(map[string]any{"exp": unix(testStart.Add(-time.Minute))})},
		{name: "expired within leeway", header: hs(map[string]any{
			"exp": unix(testStart.Add(-30 * time.Second))})},
		{name: "expired with leeway disabled", want: msgExpired,
			tweak:  func(o *Options) { o.Leeway = -1 },
			header: hs(map[string]any{"exp": unix(testStart.Add(-time.Second))})},
		{name: "expired RS256", want: msgExpired, wantFetches: 1,
			header: rs(0, map[string]any{"exp": unix(testStart.Add(-time.Hour))})},
		{name: "no exp", header: hs(nil, "exp")},
		{name: "exp not a number", want: msgPayload + ": exp must be a number of seconds",
			header: hs(map[string]any{"exp": "tomorrow"})},
		{name: "exp absurdly large", header: hs(map[string]any{"exp": 1e300})},
		{name: "nbf in the future", want: msgNotYetValid, header: hs(map[string]any{
			"nbf": unix(testStart.Add(5 * time.Minute))})},
		{name: "nbf within leeway", header: hs(map[string]any{
			"nbf": unix(testStart.Add(30 * time.Second))})},
		{name: "nbf in the past", header: hs(map[string]any{
			"nbf": unix(testStart.Add(-time.Hour))})},
		{name: "wrong aud", want: msgAudience,
			header: hs(map[string]any{"aud": "https://other.example.com/prod"})},
		{name: "wrong aud RS256", want: msgAudience, wantFetches: 1,
			header: rs(0, map[string]any{"aud": "https://other.example.com/prod"})},
		{name: "missing aud", want: msgPayload + ": aud is missing",
			header: hs(nil, "aud")},
		{name: "null aud", want: msgPayload + ": aud is missing",
			header: hs(map[string]any{"aud": nil})},
		{name: "aud a number",
			want:   msgPayload + ": aud must be a string or a list of strings",
			header: hs(map[string]any{"aud": 42})},
		{name: "aud as array", header: hs(map[string]any{
			"aud": []any{"https://other.example.com", testAudience}})},
		{name: "aud as array without match", want: msgAudience,
			header: hs(map[string]any{"aud": []any{"https://other.example.com"}})},
		{name: "aud as empty array", want: msgAudience,
			header: hs(map[string]any{"aud": []any{}})},
		{name: "aud with trailing slash",
			header: hs(map[string]any{"aud": testAudience + "/"})},
		{name: "configured audience with trailing slash",
			tweak: func(o *Options) {
				o.Audiences = []string{testAudience + "/"}
			},
			header: hs(nil)},
		{name: "no configured audiences", want: msgAudience,
			tweak:  func(o *Options) { o.Audiences = nil },
			header: hs(nil)},
		{name: "aud prefix only", want: msgAudience,
			header: hs(map[string]any{"aud": testAudience + "x"})},
		{name: "jwks_host missing", want: msgJWKSHost,
			header: rs(0, nil, "jwks_host")},
		{name: "jwks_host not a string", want: msgJWKSHost,
			header: rs(0, map[string]any{"jwks_host": 7})},
		{name: "jwks_host off the list", want: msgJWKSHost,
			header: rs(0, map[string]any{"jwks_host": "attacker.example.com"})},
		{name: "jwks_host loopback", want: msgJWKSHost,
			header: rs(0, map[string]any{"jwks_host": "127.0.0.1"})},
		{name: "jwks_host metadata address", want: msgJWKSHost,
			header: rs(0, map[string]any{"jwks_host": "169.254.169.254"})},
		{name: "jwks_host suffix of allowed", want: msgJWKSHost,
			header: rs(0, map[string]any{"jwks_host": "evil" + testHost})},
		{name: "jwks_host allowed as subdomain", want: msgJWKSHost,
			header: rs(0, map[string]any{"jwks_host": testHost + ".evil.example"})},
		{name: "jwks_host with port", want: msgJWKSHost,
			header: rs(0, map[string]any{"jwks_host": testHost + ":8443"})},
		{name: "jwks_host with path", want: msgJWKSHost,
			header: rs(0, map[string]any{"jwks_host": testHost + "/x"})},
		{name: "jwks_host with userinfo", want: msgJWKSHost,
			header: rs(0, map[string]any{"jwks_host": "u@" + testHost})},
		{name: "jwks_host as URL", want: msgJWKSHost,
			header: rs(0, map[string]any{"jwks_host": "https://" + testHost})},
		{name: "jwks_host with trailing dot", want: msgJWKSHost,
			header: rs(0, map[string]any{"jwks_host": testHost + "."})},
		{name: "jwks_host with Kelvin sign", want: msgJWKSHost,
			tweak:  func(o *Options) { o.JWKSHosts = []string{"k.example.com"} },
			header: rs(0, map[string]any{"jwks_host": "\u212a.example.com"})},
		{name: "RS256 without kid", want: msgStructure, header: func(t testing.TB) string {
			h := map[string]any{"alg": "RS256"}
			return bearer(signRSA(t, testRSAKey(t, 0), h, payload(nil)))
		}},
		{name: "header missing", header: raw(""), want: msgHeaderMissing},
		{name: "header blank", header: raw("  \t "), want: msgHeaderMissing},
		{name: "Basic scheme", header: raw("Basic x"), want: msgWrongType},
		{name: "token without scheme", header: func(t testing.TB) string {
			return signHMAC(t, testSecret, hsHeader, payload(nil))
		}, want: msgWrongType},
		{name: "Bearer alone", header: raw("Bearer"), want: msgStructure},
		{name: "Bearer and spaces", header: raw("Bearer    "), want: msgStructure},
		{name: "three parts not base64", header: raw("Bearer !!!.@@@.###"),
			want: msgStructure},
		{name: "two parts", header: raw("Bearer eyJhbGciOiJIUzI1NiJ9.e30"),
			want: msgStructure},
		{name: "four parts", header: raw("Bearer a.b.c.d"), want: msgStructure},
		{name: "padded segments", header: func(t testing.TB) string {
			tok := signHMAC(t, testSecret, hsHeader, payload(nil))
			parts := strings.Split(tok, ".")
			return bearer(parts[0] + "==." + parts[1] + "." + parts[2])
		}, want: msgStructure},
		{name: "huge token", header: huge, want: msgStructure},
		{name: "header not JSON", header: segments(`{alg`, `{}`, nil),
			want: msgStructure},
		{name: "header without alg", header: segments(`{"typ":"JWT"}`, `{}`, nil),
			want: msgStructure},
		{name: "header with crit", want: msgStructure, header: func(t testing.TB) string {
			h := map[string]any{"alg": "HS256", "crit": []string{"exp"}}
			return bearer(signHMAC(t, testSecret, h, payload(nil)))
		}},
		{name: "payload an array", header: segments(`{"alg":"HS256"}`, `[1]`, nil),
			want: msgPayload},
		{name: "payload null", header: segments(`{"alg":"HS256"}`, `null`, nil),
			want: msgPayload},
		{name: "payload not JSON", want: msgPayload, header: segments(
			`{"alg":"HS256"}`, `{"aud":"`+testAudience+`","exp":`, nil)},
		{name: "signature not base64", want: msgStructure, header: func(t testing.TB) string {
			tok := signHMAC(t, testSecret, hsHeader, payload(nil))
			return bearer(tok[:strings.LastIndex(tok, ".")] + ".***")
		}},
		{name: "HS256 signature truncated", want: msgSignature,
			header: func(t testing.TB) string {
				tok := signHMAC(t, testSecret, hsHeader, payload(nil))
				// 43 characters carry 32 bytes; 40 carry exactly 30.
				return bearer(tok[:len(tok)-3])
			}},
		{name: "payload altered after signing", want: msgSignature,
			header: func(t testing.TB) string {
				tok := signHMAC(t, testSecret, hsHeader, payload(nil))
				parts := strings.Split(tok, ".")
				forged := b64(mustJSON(t, payload(map[string]any{"sub": "admin"})))
				return bearer(parts[0] + "." + forged + "." + parts[2])
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, tt.tweak)
			header := tt.header(t)

			claims, err := env.verifier.Verify(context.Background(), header)

			if got := env.keys.sent.Load(); got != tt.wantFetches {
				t.Errorf("key-set requests sent = %d, want %d", got, tt.wantFetches)
			}
			if got := env.keys.hits.Load(); got != tt.wantFetches {
				t.Errorf("key-set requests served = %d, want %d", got, tt.wantFetches)
			}
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Verify() error = %v, want nil", err)
				}
				if got := claims.Subject(); got != "analyst@example.com" {
					t.Errorf("Subject() = %q, want %q", got, "analyst@example.com")
				}
				return
			}
			checkRejection(t, err, tt.want, header)
			if claims != nil {
				t.Errorf("Verify() claims = %v, want nil", claims)
			}
		})
	}
}

// hmacWithPublicKey returns a Bearer header for a token that claims HS256
// and is signed with the RSA public key as the HMAC secret, the classic
// algorithm-confusion forgery.
func hmacWithPublicKey(
	secret func(testing.TB) []byte,
) func(testing.TB) string {
	return func(t testing.TB) string {
		h := map[string]any{"alg": "HS256", "kid": "k1"}
		return bearer(signHMAC(t, secret(t), h, payload(nil)))
	}
}

// checkRejection asserts err is an Unauthorized *failure.Error with the
// wanted message, and that neither its message nor its full text repeats
// the token or the relay secret.
func checkRejection(t *testing.T, err error, want, header string) {
	t.Helper()
	var fe *failure.Error
	if !errors.As(err, &fe) {
		t.Fatalf("Verify() error = %v (%T), want *failure.Error", err, err)
	}
	if fe.Kind != failure.Unauthorized {
		t.Errorf("Verify() kind = %v, want %v", fe.Kind, failure.Unauthorized)
	}
	if fe.Message != want {
		t.Errorf("Verify() message = %q, want %q", fe.Message, want)
	}

	token := strings.TrimSpace(strings.TrimPrefix(header, "Bearer"))
	for _, text := range []string{fe.Message, err.Error()} {
		if len(token) >= 8 && strings.Contains(text, token) {
			t.Errorf("error %q repeats the token", text)
		}
		for _, part := range strings.Split(token, ".") {
			if len(part) >= 8 && strings.Contains(text, part) {
				t.Errorf("error %q repeats a token segment", text)
			}
		}
		if strings.Contains(text, string(testSecret)) {
			t.Errorf("error %q repeats the relay secret", text)
		}
	}
}

// TestVerifyReturnsClaims checks that a verified token's payload comes
// back whole, numbers as float64.
func TestVerifyReturnsClaims(t *testing.T) {
	env := newTestEnv(t, nil)
	want := payload(map[string]any{"LOOKBACK": "3", "LIMIT": 25})
	header := bearer(signHMAC(t, testSecret, hsHeader, want))

	got, err := env.verifier.Verify(context.Background(), header)
	if err != nil {
		t.Fatalf("Verify() error = %v", err)
	}
	if len(got) != len(want) {
		t.Errorf("Verify() returned %d claims, want %d", len(got), len(want))
	}
	for _, key := range []string{"REGION", "LOOKBACK", "aud", "jwks_host"} {
		if got[key] != want[key] {
			t.Errorf("claim %s = %v, want %v", key, got[key], want[key])
		}
	}
	if got["LIMIT"] != float64(25) {
		t.Errorf("claim LIMIT = %#v, want float64(25)", got["LIMIT"])
	}
}

// TestVerifyOptionsAreCopied checks that changing the caller's slices
// after NewVerifier changes nothing.
func TestVerifyOptionsAreCopied(t *testing.T) {
	secret := append([]byte(nil), testSecret...)
	audiences := []string{testAudience}
	v := NewVerifier(Options{Secret: secret, Audiences: audiences,
		Now: func() time.Time { return testStart }})
	secret[0] ^= 0xff
	audiences[0] = "https://changed.example.com"

	header := bearer(signHMAC(t, testSecret, hsHeader, payload(nil)))
	if _, err := v.Verify(context.Background(), header); err != nil {
		t.Errorf("Verify() error = %v, want nil", err)
	}
}

// TestVerifyConcurrentFetchesOnce checks that many first calls at once
// share one key-set request.
func TestVerifyConcurrentFetchesOnce(t *testing.T) {
	env := newTestEnv(t, nil)
	header := rs(0, nil)(t)

	var wg sync.WaitGroup
	errs := make([]error, 16)
	for i := range errs {
		wg.Go(func() {
			_, errs[i] = env.verifier.Verify(context.Background(), header)
		})
	}
	wg.Wait()

	for i, err := range errs {
		if err != nil {
			t.Errorf("call %d: Verify() error = %v", i, err)
		}
	}
	if got := env.keys.hits.Load(); got != 1 {
		t.Errorf("key-set requests = %d, want 1", got)
	}
}

func BenchmarkVerifyHS256(b *testing.B) {
	env := newTestEnv(b, nil)
	header := hs(nil)(b)
	for b.Loop() {
		if _, err := env.verifier.Verify(context.Background(), header); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyRS256Cached(b *testing.B) {
	env := newTestEnv(b, nil)
	header := rs(0, nil)(b)
	for b.Loop() {
		if _, err := env.verifier.Verify(context.Background(), header); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkVerifyRejectOffListHost(b *testing.B) {
	env := newTestEnv(b, nil)
	header := rs(0, map[string]any{"jwks_host": "attacker.example.com"})(b)
	for b.Loop() {
		if _, err := env.verifier.Verify(context.Background(), header); err == nil {
			b.Fatal("Verify() accepted an off-list host")
		}
	}
}

// TestSignHS256RoundTrip checks that the tokens SignHS256 makes for local
// work pass Verify, and fail it under another secret.
func TestSignHS256RoundTrip(t *testing.T) {
	tests := []struct {
		name   string
		secret []byte
		want   string
	}{
		{name: "relay secret", secret: testSecret},
		{name: "other secret", secret: []byte("other"), want: msgSignature},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, nil)
			tok, err := SignHS256(tt.secret, payload(nil))
			if err != nil {
				t.Fatalf("SignHS256() error = %v", err)
			}

			_, err = env.verifier.Verify(context.Background(), bearer(tok))
			if got := messageOf(err); got != tt.want {
				t.Errorf("Verify() message = %q, want %q", got, tt.want)
			}
		})
	}
}
