package auth

import (
	"crypto"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

const (
	testAudience = "https://abc.execute-api.us-east-1.amazonaws.com/prod"
	testHost     = "visibility.amp.cisco.com"
)

// testSecret is the relay secret the test verifiers use.
var testSecret = []byte("q7Zr2mKx9PwL4vTn8BcY3hJd6FsG1aE5uQoR0iWkXyNzMb2VtCpHl7gSjDf4eUa9")

// testStart is the fixed time the test clocks start at.
var testStart = time.Date(2026, 12, 4, 14, 52, 11, 0, time.UTC)

var (
	rsaKeysOnce sync.Once
	rsaKeys     [2]*rsa.PrivateKey
)

// testRSAKey returns one of two RSA keys generated once per test binary.
func testRSAKey(t testing.TB, i int) *rsa.PrivateKey {
	t.Helper()
	rsaKeysOnce.Do(func() {
		for j := range rsaKeys {
			key, err := rsa.GenerateKey(rand.Reader, 2048)
			if err != nil {
				panic(err)
			}
			rsaKeys[j] = key
		}
	})
	return rsaKeys[i]
}

// b64 encodes data as a JWT segment.
func b64(data []byte) string {
	return base64.RawURLEncoding.EncodeToString(data)
}

// mustJSON marshals v or fails the test.
func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("marshal %T: %v", v, err)
	}
	return data
}

// signHMAC returns a compact JWT signed with HS256 under key, whatever
// the header says.
func signHMAC(t testing.TB, key []byte, header, claims map[string]any) string {
	t.Helper()
	input := b64(mustJSON(t, header)) + "." + b64(mustJSON(t, claims))
	mac := hmac.New(sha256.New, key)
	mac.Write([]byte(input))
	return input + "." + b64(mac.Sum(nil))
}

// signRSA returns a compact JWT signed with RS256 under key.
func signRSA(
	t testing.TB, key *rsa.PrivateKey, header, claims map[string]any,
) string {
	t.Helper()
	input := b64(mustJSON(t, header)) + "." + b64(mustJSON(t, claims))
	digest := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatalf("sign RS256: %v", err)
	}
	return input + "." + b64(sig)
}

// publicKeyPEM returns key's public half as a PKIX PEM block, the form an
// attacker would try as an HMAC secret.
func publicKeyPEM(t testing.TB, key *rsa.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		t.Fatalf("marshal public key: %v", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

// jwk returns the JSON Web Key of key's public half.
func jwk(kid string, key *rsa.PrivateKey) map[string]any {
	return map[string]any{
		"kty": "RSA",
		"use": "sig",
		"alg": "RS256",
		"kid": kid,
		"n":   b64(key.N.Bytes()),
		"e":   b64(big.NewInt(int64(key.E)).Bytes()),
	}
}

// clock is a test clock that moves only when told to.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// keyServer is a local TLS server standing in for the JWKS hosts. It
// counts the requests that reach it, and its client counts every request
// sent to any address.
type keyServer struct {
	server  *httptest.Server
	hits    atomic.Int64
	sent    atomic.Int64
	mu      sync.Mutex
	body    []byte
	status  int
	handler http.HandlerFunc
}

// newKeyServer starts a key server that serves the given keys.
func newKeyServer(t testing.TB, keys ...map[string]any) *keyServer {
	t.Helper()
	s := &keyServer{status: http.StatusOK}
	s.setKeys(t, keys...)
	s.server = httptest.NewTLSServer(http.HandlerFunc(s.serve))
	t.Cleanup(s.server.Close)
	return s
}

func (s *keyServer) serve(w http.ResponseWriter, r *http.Request) {
	s.hits.Add(1)
	s.mu.Lock()
	body, status, handler := s.body, s.status, s.handler
	s.mu.Unlock()
	if handler != nil {
		handler(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(body)
}

// setKeys replaces the key set the server returns.
func (s *keyServer) setKeys(t testing.TB, keys ...map[string]any) {
	t.Helper()
	if keys == nil {
		keys = []map[string]any{}
	}
	body := mustJSON(t, map[string]any{"keys": keys})
	s.mu.Lock()
	defer s.mu.Unlock()
	s.body = body
}

// setResponse makes the server answer with status and a raw body.
func (s *keyServer) setResponse(status int, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.body = status, body
}

// client returns an HTTP client trusting the server that counts every
// request it sends.
func (s *keyServer) client() *http.Client {
	client := s.server.Client()
	client.Transport = countingTransport{
		next: client.Transport,
		sent: &s.sent,
	}
	return client
}

// url maps any host name to a path on the server.
func (s *keyServer) url(host string) string {
	return s.server.URL + "/" + host + "/.well-known/jwks"
}

// countingTransport counts round trips before passing them on.
type countingTransport struct {
	next http.RoundTripper
	sent *atomic.Int64
}

func (c countingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	c.sent.Add(1)
	return c.next.RoundTrip(r)
}

// testEnv is a verifier wired to a key server and a test clock.
type testEnv struct {
	verifier *Verifier
	keys     *keyServer
	clock    *clock
}

// newTestEnv returns a verifier that trusts the default hosts, all served
// by one local key server holding key 0 as kid "k1".
func newTestEnv(t testing.TB, tweak func(*Options)) *testEnv {
	t.Helper()
	env := &testEnv{
		keys:  newKeyServer(t, jwk("k1", testRSAKey(t, 0))),
		clock: &clock{now: testStart},
	}
	o := Options{
		Secret:     testSecret,
		Audiences:  []string{testAudience},
		HTTPClient: env.keys.client(),
		Now:        env.clock.Now,
		JWKSURL:    env.keys.url,
	}
	if tweak != nil {
		tweak(&o)
	}
	env.verifier = NewVerifier(o)
	return env
}
