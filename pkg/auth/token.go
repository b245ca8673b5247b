package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// maxAuthorizationSize bounds the Authorization header value. Longer
// values are refused before any decoding, so a huge header costs nothing.
const maxAuthorizationSize = 16 << 10

// Caller-safe messages. They name the problem, never the token.
const (
	msgHeaderMissing = "authorization header missing"
	msgWrongType     = "wrong authorization type: expected Bearer"
	msgStructure     = "wrong JWT structure"
	msgPayload       = "wrong JWT payload structure"
	msgSignature     = "failed to decode JWT with the provided key"
	msgAudience      = "wrong audience"
	msgKidNotFound   = "kid not found in the key set"
	msgJWKSHost      = "jwks_host missing or not allowed"
	msgKeySet        = "failed to load the key set from jwks_host"
	msgExpired       = "token expired"
	msgNotYetValid   = "token not yet valid"
)

// segment decodes the base64url parts of a compact JWT. JWTs carry no
// padding, and strict mode refuses stray bits so a token has exactly one
// encoding.
var segment = base64.RawURLEncoding.Strict()

// token is a compact JWT split into its parts. Nothing in it is trusted
// until its signature has been checked.
type token struct {
	header       header
	claims       Claims
	signingInput string
	signature    []byte
}

// header holds the JOSE header fields the relay reads. Fields such as jku,
// x5u and jwk, which would let a token pick its own key, are ignored.
type header struct {
	Alg  string          `json:"alg"`
	Kid  string          `json:"kid"`
	Crit json.RawMessage `json:"crit"`
}

// reject returns an Unauthorized error with a caller-safe message and a
// cause for the logs. The cause must not hold the token or a secret.
func reject(message string, cause error) error {
	return failure.Wrap(cause, failure.Unauthorized, "%s", message)
}

// parseToken splits a compact JWT and decodes its header, payload and
// signature without verifying anything.
func parseToken(raw string) (*token, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, reject(msgStructure,
			fmt.Errorf("token has %d dot-separated parts, want 3", len(parts)))
	}

	tok := &token{signingInput: parts[0] + "." + parts[1]}
	if err := decodeHeader(parts[0], &tok.header); err != nil {
		return nil, err
	}
	claims, err := decodeClaims(parts[1])
	if err != nil {
		return nil, err
	}
	tok.claims = claims

	tok.signature, err = segment.DecodeString(parts[2])
	if err != nil {
		return nil, reject(msgStructure, fmt.Errorf("decode signature: %w", err))
	}
	return tok, nil
}

// decodeHeader decodes the JOSE header into h. A header that lists
// critical extensions is refused, since the relay understands none.
func decodeHeader(part string, h *header) error {
	data, err := segment.DecodeString(part)
	if err != nil {
		return reject(msgStructure, fmt.Errorf("decode header: %w", err))
	}
	if err := json.Unmarshal(data, h); err != nil {
		return reject(msgStructure, fmt.Errorf("parse header JSON: %w", err))
	}
	if h.Alg == "" {
		return reject(msgStructure, errors.New("header has no alg"))
	}
	if len(h.Crit) > 0 {
		return reject(msgStructure,
			errors.New("header lists critical extensions, none are supported"))
	}
	return nil
}

// decodeClaims decodes the payload, which must be a JSON object.
func decodeClaims(part string) (Claims, error) {
	data, err := segment.DecodeString(part)
	if err != nil {
		return nil, reject(msgStructure, fmt.Errorf("decode payload: %w", err))
	}
	var claims Claims
	if err := json.Unmarshal(data, &claims); err != nil {
		return nil, reject(msgPayload, fmt.Errorf("parse payload JSON: %w", err))
	}
	if claims == nil {
		return nil, reject(msgPayload, errors.New("payload is not a JSON object"))
	}
	return claims, nil
}
