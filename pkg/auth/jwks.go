package auth

import (
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

const (
	// maxKeySetSize bounds a key-set response body.
	maxKeySetSize = 1 << 20
	// refetchInterval is the least time between two fetches of one host's
	// key set, so tokens with made-up kids cannot hammer the host.
	refetchInterval = 30 * time.Second
	// maxKeyAge is how long a fetched key set is trusted before a token
	// with a known kid also refetches it, so a key the host withdraws
	// stops being accepted within about this time.
	maxKeyAge = time.Hour
	// minRSABits and maxRSABits bound the RSA keys accepted from a key set.
	minRSABits = 2048
	maxRSABits = 8192
)

// keyCache holds the RSA keys of each allowed host. Its hosts map is built
// once and only read afterwards; each host has its own lock.
type keyCache struct {
	hosts  map[string]*hostKeys
	url    func(host string) string
	client *http.Client
	now    func() time.Time
}

// hostKeys is the cached key set of one host, when it was last fetched,
// and when the keys it holds were fetched.
type hostKeys struct {
	mu        sync.Mutex
	keys      map[string]*rsa.PublicKey
	keysAt    time.Time
	attempted bool
	lastFetch time.Time
	lastErr   error
}

// newKeyCache builds the cache for the allow-list in o.
func newKeyCache(o Options, now func() time.Time) *keyCache {
	allowed := o.JWKSHosts
	if allowed == nil {
		allowed = DefaultJWKSHosts
	}
	c := &keyCache{
		hosts:  make(map[string]*hostKeys, len(allowed)),
		url:    o.JWKSURL,
		client: keySetClient(o.HTTPClient),
		now:    now,
	}
	for _, host := range allowed {
		if isBareHost(host) {
			c.hosts[strings.ToLower(host)] = &hostKeys{}
		}
	}
	if c.url == nil {
		c.url = func(host string) string {
			return "https://" + host + "/.well-known/jwks"
		}
	}
	return c
}

// keySetClient returns a copy of client, or a default one, that returns a
// redirect as the response instead of following it to another host.
func keySetClient(client *http.Client) *http.Client {
	if client == nil {
		client = &http.Client{Timeout: defaultFetchTimeout}
	}
	copied := *client
	copied.CheckRedirect = func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}
	return &copied
}

// isBareHost reports whether host is a DNS name made of ASCII letters,
// digits, dots and hyphens only: no port, path, user or other characters.
func isBareHost(host string) bool {
	if host == "" || len(host) > 253 {
		return false
	}
	for _, r := range host {
		ok := r == '.' || r == '-' ||
			(r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z') ||
			(r >= '0' && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

// allowedHost returns the allow-listed host named by a jwks_host claim.
// The match is exact apart from ASCII case.
func (c *keyCache) allowedHost(claim any) (string, error) {
	host, _ := claim.(string)
	if host == "" {
		return "", reject(msgJWKSHost, errors.New("jwks_host claim is absent"))
	}
	if !isBareHost(host) {
		return "", reject(msgJWKSHost,
			errors.New("jwks_host claim is not a bare host name"))
	}
	host = strings.ToLower(host)
	if _, ok := c.hosts[host]; !ok {
		return "", reject(msgJWKSHost,
			errors.New("jwks_host claim is not on the allow-list"))
	}
	return host, nil
}

// key returns the RSA key with the given kid from host's key set. It
// fetches the set when the kid is not cached, at most once per host per
// refetchInterval; within that interval an unknown kid is simply not found.
// A cached key older than maxKeyAge is fetched again; if the host cannot
// be reached then, the cached key is still used, so an outage of the key
// host does not lock analysts out. The host's lock is held during a fetch,
// so concurrent callers wait for one request instead of each sending
// their own.
func (c *keyCache) key(
	ctx context.Context, host, kid string,
) (*rsa.PublicKey, error) {
	entry := c.hosts[host]
	entry.mu.Lock()
	defer entry.mu.Unlock()

	if key, ok := entry.keys[kid]; ok {
		if c.now().Sub(entry.keysAt) <= maxKeyAge || c.limited(entry) {
			return key, nil
		}
		if fresh, err := c.refresh(ctx, host, entry); err == nil {
			key, ok = fresh[kid]
			if !ok {
				return nil, reject(msgKidNotFound, nil)
			}
		}
		return key, nil
	}
	if c.limited(entry) {
		if entry.keys == nil && entry.lastErr != nil {
			return nil, reject(msgKeySet, fmt.Errorf(
				"refetch rate limited after failure: %w", entry.lastErr))
		}
		return nil, reject(msgKidNotFound, nil)
	}

	keys, err := c.refresh(ctx, host, entry)
	if err != nil {
		return nil, reject(msgKeySet, err)
	}
	if key, ok := keys[kid]; ok {
		return key, nil
	}
	return nil, reject(msgKidNotFound, nil)
}

// limited reports whether entry's host was asked for its key set less than
// refetchInterval ago, so that it must not be asked again yet.
func (c *keyCache) limited(entry *hostKeys) bool {
	return entry.attempted && c.now().Sub(entry.lastFetch) < refetchInterval
}

// refresh fetches host's key set into entry, whose lock the caller holds,
// and records the attempt for the rate limit.
func (c *keyCache) refresh(
	ctx context.Context, host string, entry *hostKeys,
) (map[string]*rsa.PublicKey, error) {
	keys, err := c.fetch(ctx, host)
	if ctx.Err() == nil {
		// A request the caller abandoned says nothing about the host,
		// so only completed attempts count against the rate limit.
		entry.attempted, entry.lastFetch, entry.lastErr = true, c.now(), err
	}
	if err != nil {
		return nil, err
	}
	entry.keys, entry.keysAt = keys, c.now()
	return keys, nil
}

// fetch downloads and parses host's key set.
func (c *keyCache) fetch(
	ctx context.Context, host string,
) (map[string]*rsa.PublicKey, error) {
	target, err := c.keySetURL(host)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, fmt.Errorf("build key-set request for %s: %w", host, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("get key set of %s: %w", host, err)
	}
	defer resp.Body.Close()

	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("get key set of %s: status %d",
			host, resp.StatusCode)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxKeySetSize+1))
	if err != nil {
		return nil, fmt.Errorf("read key set of %s: %w", host, err)
	}
	if len(body) > maxKeySetSize {
		return nil, fmt.Errorf("key set of %s is larger than %d bytes",
			host, maxKeySetSize)
	}
	keys, err := parseKeySet(body)
	if err != nil {
		return nil, fmt.Errorf("parse key set of %s: %w", host, err)
	}
	return keys, nil
}

// keySetURL returns the key-set URL of host, refusing anything but a plain
// HTTPS URL without user information.
func (c *keyCache) keySetURL(host string) (string, error) {
	target, err := url.Parse(c.url(host))
	if err != nil {
		return "", fmt.Errorf("build key-set URL for %s: %w", host, err)
	}
	if target.Scheme != "https" || target.Host == "" || target.User != nil {
		return "", fmt.Errorf("key-set URL for %s is not plain HTTPS", host)
	}
	return target.String(), nil
}

// jsonWebKey holds the members of a JSON Web Key that an RSA signing key
// uses.
type jsonWebKey struct {
	Kty string `json:"kty"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	Kid string `json:"kid"`
	N   string `json:"n"`
	E   string `json:"e"`
}

// parseKeySet returns the RS256 signing keys of a JSON Web Key Set by kid.
// Keys of other types or uses, malformed keys, and later keys that repeat
// a kid are skipped; a body that is not a key set is an error.
func parseKeySet(body []byte) (map[string]*rsa.PublicKey, error) {
	var set struct {
		Keys []json.RawMessage `json:"keys"`
	}
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, fmt.Errorf("decode key set JSON: %w", err)
	}
	if set.Keys == nil {
		return nil, errors.New("key set has no keys list")
	}

	keys := make(map[string]*rsa.PublicKey, len(set.Keys))
	for _, raw := range set.Keys {
		var jwk jsonWebKey
		if json.Unmarshal(raw, &jwk) != nil || !jwk.isRSASigning() {
			continue
		}
		if _, seen := keys[jwk.Kid]; seen {
			continue
		}
		if key, ok := jwk.publicKey(); ok {
			keys[jwk.Kid] = key
		}
	}
	return keys, nil
}

// isRSASigning reports whether the key claims to be an RSA key usable for
// RS256 signatures and has a kid.
func (k jsonWebKey) isRSASigning() bool {
	return k.Kty == "RSA" && k.Kid != "" &&
		(k.Use == "" || k.Use == "sig") &&
		(k.Alg == "" || k.Alg == algRS256)
}

// publicKey decodes n and e, reporting false for a key that is malformed
// or outside the accepted sizes.
func (k jsonWebKey) publicKey() (*rsa.PublicKey, bool) {
	nBytes, err := base64.RawURLEncoding.DecodeString(k.N)
	if err != nil {
		return nil, false
	}
	eBytes, err := base64.RawURLEncoding.DecodeString(k.E)
	if err != nil || len(eBytes) == 0 || len(eBytes) > 4 {
		return nil, false
	}

	n := new(big.Int).SetBytes(nBytes)
	if n.BitLen() < minRSABits || n.BitLen() > maxRSABits {
		return nil, false
	}
	e := 0
	for _, b := range eBytes {
		e = e<<8 | int(b)
	}
	if e < 3 || e%2 == 0 {
		return nil, false
	}
	return &rsa.PublicKey{N: n, E: e}, true
}
