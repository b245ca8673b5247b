package auth

import (
	"bytes"
	"context"
	"crypto"
	"crypto/hmac"
	"crypto/rsa"
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Algorithm names as they appear in a token header.
const (
	algHS256 = "HS256"
	algRS256 = "RS256"
)

const (
	// defaultLeeway is the clock skew tolerated on exp and nbf when
	// Options.Leeway is zero.
	defaultLeeway = 60 * time.Second
	// defaultFetchTimeout bounds one key-set request when Options.HTTPClient
	// is nil.
	defaultFetchTimeout = 5 * time.Second
)

// DefaultJWKSHosts are the Cisco identity services (US, EU and APJC) whose
// key sets the relay trusts when Options.JWKSHosts is nil.
var DefaultJWKSHosts = []string{
	"visibility.amp.cisco.com",
	"visibility.eu.amp.cisco.com",
	"visibility.apjc.amp.cisco.com",
}

// Options configures a Verifier. Audiences is required; every other field
// has a usable zero value.
type Options struct {
	// Secret is the relay secret for HS256 configuration tokens. Empty
	// disables HS256.
	Secret []byte
	// Audiences lists the accepted aud values, normally the relay's base
	// URL such as "https://abc.execute-api.us-east-1.amazonaws.com/prod".
	// A trailing slash on either side is ignored. With no audiences every
	// token is refused.
	Audiences []string
	// JWKSHosts is the allow-list of hosts whose
	// https://<host>/.well-known/jwks may be fetched. Nil means
	// DefaultJWKSHosts; an empty, non-nil list disables RS256. Entries that
	// are not bare host names (with a port, path or user, say) are ignored.
	JWKSHosts []string
	// HTTPClient fetches key sets; nil means a client with a 5 s timeout.
	// The Verifier uses a copy of it that never follows redirects.
	HTTPClient *http.Client
	// Leeway tolerates clock skew on exp and nbf; zero means 60 s and a
	// negative value means none.
	Leeway time.Duration
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
	// JWKSURL builds the key-set URL for an allowed host; nil means
	// "https://" + host + "/.well-known/jwks". Tests use it to point an
	// allow-listed host name at a local TLS server. A URL that is not
	// HTTPS is never fetched.
	JWKSURL func(host string) string
}

// Verifier checks bearer tokens. It caches the key sets of allowed hosts
// and is safe for concurrent use.
//
// The exp and nbf claims are optional: SecureX signs a configuration token
// once, when a module instance is saved, and may send it without an expiry
// for as long as that configuration lives, so requiring exp would refuse
// legitimate callers. When exp or nbf is present it is enforced, with the
// configured leeway for clock skew.
type Verifier struct {
	secret    []byte
	audiences []string
	leeway    time.Duration
	now       func() time.Time
	keys      *keyCache
}

// NewVerifier returns a Verifier configured by o. It copies what it keeps,
// so later changes to o have no effect.
func NewVerifier(o Options) *Verifier {
	v := &Verifier{
		secret: bytes.Clone(o.Secret),
		leeway: o.Leeway,
		now:    o.Now,
	}
	for _, aud := range o.Audiences {
		if aud = normalizeAudience(aud); aud != "" {
			v.audiences = append(v.audiences, aud)
		}
	}
	if v.leeway == 0 {
		v.leeway = defaultLeeway
	}
	if v.leeway < 0 {
		v.leeway = 0
	}
	if v.now == nil {
		v.now = time.Now
	}
	v.keys = newKeyCache(o, v.now)
	return v
}

// Verify checks the Authorization header value ("Bearer <jwt>") and
// returns the token's payload claims. Every error is a *failure.Error of
// kind failure.Unauthorized whose message says what is wrong without
// repeating the token or any secret.
func (v *Verifier) Verify(
	ctx context.Context, authorization string,
) (Claims, error) {
	raw, err := bearerToken(authorization)
	if err != nil {
		return nil, err
	}
	tok, err := parseToken(raw)
	if err != nil {
		return nil, err
	}

	// The header only selects which configured check applies; each check
	// uses one fixed algorithm with keys of its own type.
	switch tok.header.Alg {
	case algHS256:
		err = v.verifyHMAC(tok)
	case algRS256:
		err = v.verifyRSA(ctx, tok)
	default:
		err = reject(msgSignature, errors.New("signing algorithm not accepted"))
	}
	if err != nil {
		return nil, err
	}

	if err := v.checkClaims(tok.claims); err != nil {
		return nil, err
	}
	return tok.claims, nil
}

// verifyHMAC checks an HS256 signature against the relay secret.
func (v *Verifier) verifyHMAC(tok *token) error {
	if len(v.secret) == 0 {
		return reject(msgSignature,
			errors.New("HS256 is disabled: no relay secret is configured"))
	}

	mac := hmac.New(sha256.New, v.secret)
	mac.Write([]byte(tok.signingInput))
	if !hmac.Equal(mac.Sum(nil), tok.signature) {
		return reject(msgSignature, errors.New("HS256 signature mismatch"))
	}
	return nil
}

// verifyRSA checks an RS256 signature against the key named by the header's
// kid, from the key set of the payload's jwks_host.
func (v *Verifier) verifyRSA(ctx context.Context, tok *token) error {
	if tok.header.Kid == "" {
		return reject(msgStructure, errors.New("RS256 token header has no kid"))
	}
	host, err := v.keys.allowedHost(tok.claims["jwks_host"])
	if err != nil {
		return err
	}
	key, err := v.keys.key(ctx, host, tok.header.Kid)
	if err != nil {
		return err
	}

	digest := sha256.Sum256([]byte(tok.signingInput))
	err = rsa.VerifyPKCS1v15(key, crypto.SHA256, digest[:], tok.signature)
	if err != nil {
		return reject(msgSignature,
			fmt.Errorf("verify RS256 signature with key set of %s: %w", host, err))
	}
	return nil
}

// bearerToken returns the token of a "Bearer <token>" header value. The
// scheme is matched without regard to case, as HTTP requires.
func bearerToken(authorization string) (string, error) {
	if len(authorization) > maxAuthorizationSize {
		return "", reject(msgStructure, fmt.Errorf(
			"authorization header is longer than %d bytes", maxAuthorizationSize))
	}
	value := strings.TrimSpace(authorization)
	if value == "" {
		return "", reject(msgHeaderMissing, nil)
	}

	scheme, raw, _ := strings.Cut(value, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return "", reject(msgWrongType, nil)
	}
	raw = strings.TrimSpace(raw)
	if raw == "" {
		return "", reject(msgStructure, errors.New("bearer token is empty"))
	}
	return raw, nil
}
