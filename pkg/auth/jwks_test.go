package auth

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// rsKid returns a Bearer header for an RS256 token with the given kid,
// signed with test key i and valid for a day.
func rsKid(t testing.TB, i int, kid string) string {
	t.Helper()
	h := map[string]any{"alg": "RS256", "kid": kid}
	claims := payload(map[string]any{"exp": unix(testStart.Add(24 * time.Hour))})
	return bearer(signRSA(t, testRSAKey(t, i), h, claims))
}

// messageOf returns the caller-safe message of err, or "" for nil.
func messageOf(err error) string {
	var fe *failure.Error
	if errors.As(err, &fe) {
		return fe.Message
	}
	if err != nil {
		return err.Error()
	}
	return ""
}

func TestKeySetRefetch(t *testing.T) {
	env := newTestEnv(t, nil)
	k1 := jwk("k1", testRSAKey(t, 0))
	k2 := jwk("k2", testRSAKey(t, 1))

	// The steps run in order against one verifier and one key server.
	steps := []struct {
		name        string
		advance     time.Duration
		serve       []map[string]any // key set from this step on; nil keeps it
		kid         string
		key         int
		want        string
		wantFetches int64
	}{
		{name: "first use fetches", kid: "k1", wantFetches: 1},
		{name: "known kid is cached", advance: time.Hour, kid: "k1",
			wantFetches: 1},
		{name: "unknown kid refetches once", kid: "k2", key: 1,
			want: msgKidNotFound, wantFetches: 2},
		{name: "unknown kid again is rate limited", kid: "k2", key: 1,
			want: msgKidNotFound, wantFetches: 2},
		{name: "other unknown kid is rate limited", kid: "k3", key: 1,
			want: msgKidNotFound, wantFetches: 2},
		{name: "still limited just before the interval",
			advance: refetchInterval - time.Second, serve: []map[string]any{k1, k2},
			kid: "k2", key: 1, want: msgKidNotFound, wantFetches: 2},
		{name: "rotated key found after the interval", advance: time.Second,
			kid: "k2", key: 1, wantFetches: 3},
		{name: "old key still served", kid: "k1", wantFetches: 3},
		{name: "retired key forgotten after refetch",
			advance: refetchInterval, serve: []map[string]any{k2},
			kid: "k3", key: 1, want: msgKidNotFound, wantFetches: 4},
		{name: "retired key now unknown", advance: refetchInterval, kid: "k1",
			want: msgKidNotFound, wantFetches: 5},
	}
	for _, step := range steps {
		env.clock.Advance(step.advance)
		if step.serve != nil {
			env.keys.setKeys(t, step.serve...)
		}

		_, err := env.verifier.Verify(
			context.Background(), rsKid(t, step.key, step.kid))

		if got := messageOf(err); got != step.want {
			t.Errorf("%s: Verify() message = %q, want %q", step.name, got, step.want)
		}
		if got := env.keys.hits.Load(); got != step.wantFetches {
			t.Errorf("%s: key-set requests = %d, want %d",
				step.name, got, step.wantFetches)
		}
	}
}

// TestKeySetExpires checks that a known key is fetched again once it is
// older than maxKeyAge, that a withdrawn key then stops working, and that
// an unreachable host does not lock out a key it served before.
func TestKeySetExpires(t *testing.T) {
	env := newTestEnv(t, nil)
	k1 := jwk("k1", testRSAKey(t, 0))
	k2 := jwk("k2", testRSAKey(t, 1))
	steps := []struct {
		name        string
		advance     time.Duration
		down        bool             // the key host fails from this step on
		serve       []map[string]any // the key set it serves from this step on
		want        string
		wantFetches int64
	}{
		{name: "first use fetches", serve: []map[string]any{k1}, wantFetches: 1},
		{name: "fresh key is cached", advance: maxKeyAge, wantFetches: 1},
		{name: "host down: stale key still used", advance: time.Second,
			down: true, wantFetches: 2},
		{name: "host down: no refetch within the interval", wantFetches: 2},
		{name: "host back, key withdrawn", advance: refetchInterval,
			serve: []map[string]any{k2}, want: msgKidNotFound, wantFetches: 3},
	}
	for _, step := range steps {
		env.clock.Advance(step.advance)
		if step.down {
			env.keys.setResponse(http.StatusBadGateway, []byte("down"))
		}
		if step.serve != nil {
			env.keys.setResponse(http.StatusOK,
				mustJSON(t, map[string]any{"keys": step.serve}))
		}

		_, err := env.verifier.Verify(context.Background(), rsKid(t, 0, "k1"))

		if got := messageOf(err); got != step.want {
			t.Errorf("%s: Verify() message = %q, want %q", step.name, got, step.want)
		}
		if got := env.keys.hits.Load(); got != step.wantFetches {
			t.Errorf("%s: key-set requests = %d, want %d",
				step.name, got, step.wantFetches)
		}
	}
}

// TestKeySetHostsAreSeparate checks that each host has its own cache and
// its own rate limit.
func TestKeySetHostsAreSeparate(t *testing.T) {
	env := newTestEnv(t, nil)
	hosts := []string{testHost, "visibility.eu.amp.cisco.com"}

	for i, host := range hosts {
		claims := payload(map[string]any{"jwks_host": host})
		header := bearer(signRSA(t, testRSAKey(t, 0), rsHeader, claims))
		if _, err := env.verifier.Verify(context.Background(), header); err != nil {
			t.Fatalf("Verify() for %s error = %v", host, err)
		}
		if got, want := env.keys.hits.Load(), int64(i+1); got != want {
			t.Errorf("after %s: key-set requests = %d, want %d", host, got, want)
		}
	}
}

func TestKeySetFetchFailures(t *testing.T) {
	big := []byte(`{"keys":[],"pad":"` + strings.Repeat("x", maxKeySetSize) + `"}`)

	tests := []struct {
		name   string
		status int
		body   []byte
		url    func(*keyServer) func(string) string
		want   string
		hits   int64
	}{
		{name: "server error", status: http.StatusInternalServerError,
			body: []byte(`{}`), want: msgKeySet, hits: 1},
		{name: "not JSON", status: http.StatusOK,
			body: []byte(`<html>keys</html>`), want: msgKeySet, hits: 1},
		{name: "JSON without keys", status: http.StatusOK,
			body: []byte(`{"issuer":"x"}`), want: msgKeySet, hits: 1},
		{name: "larger than the limit", status: http.StatusOK, body: big,
			want: msgKeySet, hits: 1},
		{name: "empty key set", status: http.StatusOK,
			body: []byte(`{"keys":[]}`), want: msgKidNotFound, hits: 1},
		{name: "plain HTTP URL is not fetched", status: http.StatusOK,
			url: func(s *keyServer) func(string) string {
				return func(host string) string {
					return strings.Replace(s.url(host), "https:", "http:", 1)
				}
			},
			want: msgKeySet},
		{name: "URL with user is not fetched", status: http.StatusOK,
			url: func(s *keyServer) func(string) string {
				return func(host string) string {
					return strings.Replace(s.url(host), "https://", "https://u:p@", 1)
				}
			},
			want: msgKeySet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := newTestEnv(t, nil)
			env.keys.setResponse(tt.status, tt.body)
			if tt.url != nil {
				env = newTestEnv(t, func(o *Options) { o.JWKSURL = tt.url(env.keys) })
			}

			_, err := env.verifier.Verify(context.Background(), rs(0, nil)(t))

			if got := messageOf(err); got != tt.want {
				t.Errorf("Verify() message = %q, want %q (%v)", got, tt.want, err)
			}
			if got := env.keys.hits.Load(); got != tt.hits {
				t.Errorf("key-set requests = %d, want %d", got, tt.hits)
			}
		})
	}
}

// TestKeySetFailureIsRateLimited checks that a failing host is asked once
// per interval, not once per token, and is asked again afterwards.
func TestKeySetFailureIsRateLimited(t *testing.T) {
	env := newTestEnv(t, nil)
	env.keys.setResponse(http.StatusServiceUnavailable, nil)
	header := rs(0, nil)(t)

	for i := range 3 {
		_, err := env.verifier.Verify(context.Background(), header)
		if got := messageOf(err); got != msgKeySet {
			t.Errorf("call %d: message = %q, want %q", i, got, msgKeySet)
		}
	}
	if got := env.keys.hits.Load(); got != 1 {
		t.Errorf("key-set requests while failing = %d, want 1", got)
	}

	env.keys.setResponse(http.StatusOK, []byte(`{"keys":[]}`))
	env.keys.setKeys(t, jwk("k1", testRSAKey(t, 0)))
	env.clock.Advance(refetchInterval)
	if _, err := env.verifier.Verify(context.Background(), header); err != nil {
		t.Errorf("Verify() after recovery error = %v", err)
	}
	if got := env.keys.hits.Load(); got != 2 {
		t.Errorf("key-set requests after recovery = %d, want 2", got)
	}
}

// TestKeySetRedirectNotFollowed checks that an allowed host cannot send
// the relay on to another address.
func TestKeySetRedirectNotFollowed(t *testing.T) {
	env := newTestEnv(t, nil)
	env.keys.handler = func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/elsewhere", http.StatusFound)
	}

	_, err := env.verifier.Verify(context.Background(), rs(0, nil)(t))

	if got := messageOf(err); got != msgKeySet {
		t.Errorf("Verify() message = %q, want %q", got, msgKeySet)
	}
	if got := env.keys.hits.Load(); got != 1 {
		t.Errorf("requests served = %d, want 1 (redirect not followed)", got)
	}
}

// TestKeySetCanceledFetchNotCounted checks that a caller that gives up
// does not use up the host's refetch allowance.
func TestKeySetCanceledFetchNotCounted(t *testing.T) {
	env := newTestEnv(t, nil)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()

	_, err := env.verifier.Verify(ctx, rs(0, nil)(t))
	if got := messageOf(err); got != msgKeySet {
		t.Errorf("canceled Verify() message = %q, want %q", got, msgKeySet)
	}
	if _, err := env.verifier.Verify(context.Background(), rs(0, nil)(t)); err != nil {
		t.Errorf("Verify() after cancel error = %v, want nil", err)
	}
}

func TestParseKeySet(t *testing.T) {
	good := jwk("good", testRSAKey(t, 0))
	with := func(set map[string]any, drop ...string) map[string]any {
		key := map[string]any{}
		for k, v := range good {
			key[k] = v
		}
		for k, v := range set {
			key[k] = v
		}
		for _, k := range drop {
			delete(key, k)
		}
		return key
	}
	small := b64(testRSAKey(t, 0).N.Bytes()[:128]) // a 1024-bit modulus

	tests := []struct {
		name     string
		keys     []map[string]any
		wantKids []string
	}{
		{name: "RSA signing key", keys: []map[string]any{good},
			wantKids: []string{"good"}},
		{name: "use and alg absent", wantKids: []string{"good"},
			keys: []map[string]any{with(nil, "use", "alg")}},
		{name: "EC key ignored", keys: []map[string]any{
			with(map[string]any{"kty": "EC", "kid": "ec"}), good},
			wantKids: []string{"good"}},
		{name: "encryption key ignored",
			keys: []map[string]any{with(map[string]any{"use": "enc"})}},
		{name: "other algorithm ignored",
			keys: []map[string]any{with(map[string]any{"alg": "RS512"})}},
		{name: "missing kid ignored", keys: []map[string]any{with(nil, "kid")}},
		{name: "short modulus ignored",
			keys: []map[string]any{with(map[string]any{"n": small})}},
		{name: "even exponent ignored",
			keys: []map[string]any{with(map[string]any{"e": "AQAC"})}},
		{name: "exponent too long ignored",
			keys: []map[string]any{with(map[string]any{"e": "AQABAQAB"})}},
		{name: "modulus not base64 ignored",
			keys: []map[string]any{with(map[string]any{"n": "***"})}},
		{name: "modulus a number ignored", wantKids: []string{"good"},
			keys: []map[string]any{with(map[string]any{"n": 5, "kid": "x"}), good}},
		{name: "repeated kid keeps the first", wantKids: []string{"good"},
			keys: []map[string]any{good, with(map[string]any{"n": small})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := mustJSON(t, map[string]any{"keys": tt.keys})

			got, err := parseKeySet(body)
			if err != nil {
				t.Fatalf("parseKeySet() error = %v", err)
			}
			if len(got) != len(tt.wantKids) {
				t.Errorf("parseKeySet() kept %d keys, want %d", len(got), len(tt.wantKids))
			}
			for _, kid := range tt.wantKids {
				if got[kid] == nil {
					t.Errorf("parseKeySet() lacks kid %q", kid)
				}
			}
		})
	}
}

func TestNewVerifierAllowList(t *testing.T) {
	tests := []struct {
		name  string
		hosts []string
		want  []string
	}{
		{name: "nil means defaults", hosts: nil, want: DefaultJWKSHosts},
		{name: "empty means none", hosts: []string{}, want: nil},
		{name: "entries are lower-cased", hosts: []string{"Keys.Example.COM"},
			want: []string{"keys.example.com"}},
		{name: "entries that are not bare hosts are dropped",
			hosts: []string{"a.example.com:443", "https://b.example.com",
				"u@c.example.com", "d.example.com/x", "", "ok.example.com"},
			want: []string{"ok.example.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := NewVerifier(Options{JWKSHosts: tt.hosts})

			if len(v.keys.hosts) != len(tt.want) {
				t.Errorf("allowed %d hosts, want %d", len(v.keys.hosts), len(tt.want))
			}
			for _, host := range tt.want {
				if _, ok := v.keys.hosts[host]; !ok {
					t.Errorf("host %q not allowed", host)
				}
			}
		})
	}
}
