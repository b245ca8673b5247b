package auth

import (
	"strings"
	"unicode/utf8"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// maxSubjectLength bounds what Subject returns, in bytes, so a token cannot
// flood the audit log.
const maxSubjectLength = 256

// Claims is a verified token's payload. JSON numbers are float64, as
// encoding/json decodes them into an interface value.
type Claims map[string]any

// Subject returns a caller identity for audit logs: the first non-empty
// string among the sub, email and user claims, cut to at most 256 bytes on
// a character boundary, or "" when there is none. It reads no other claim,
// so it never returns a configuration value or secret.
func (c Claims) Subject() string {
	for _, name := range []string{"sub", "email", "user"} {
		value, _ := c[name].(string)
		value = strings.TrimSpace(value)
		if value == "" {
			continue
		}
		return cutAtRune(value, maxSubjectLength)
	}
	return ""
}

// cutAtRune returns the longest prefix of s that has at most n bytes and
// does not split a UTF-8 sequence.
func cutAtRune(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// checkClaims enforces aud always, and exp and nbf when they are present.
func (v *Verifier) checkClaims(c Claims) error {
	if err := v.checkAudience(c); err != nil {
		return err
	}
	return v.checkTimes(c)
}

// checkAudience accepts a token whose aud, a string or a list of strings,
// holds one of the configured audiences.
func (v *Verifier) checkAudience(c Claims) error {
	raw, ok := c["aud"]
	if !ok || raw == nil {
		return failure.New(failure.Unauthorized, "%s: aud is missing", msgPayload)
	}
	audiences, ok := audienceList(raw)
	if !ok {
		return failure.New(failure.Unauthorized,
			"%s: aud must be a string or a list of strings", msgPayload)
	}

	for _, aud := range audiences {
		aud = normalizeAudience(aud)
		for _, want := range v.audiences {
			if aud == want {
				return nil
			}
		}
	}
	return reject(msgAudience, nil)
}

// audienceList returns the aud claim as a list, reporting false when it is
// neither a string nor a list of strings.
func audienceList(raw any) ([]string, bool) {
	switch aud := raw.(type) {
	case string:
		return []string{aud}, true
	case []any:
		list := make([]string, 0, len(aud))
		for _, item := range aud {
			s, ok := item.(string)
			if !ok {
				return nil, false
			}
			list = append(list, s)
		}
		return list, true
	}
	return nil, false
}

// normalizeAudience drops surrounding spaces and trailing slashes, so
// "https://x/prod/" and "https://x/prod" compare equal.
func normalizeAudience(aud string) string {
	return strings.TrimRight(strings.TrimSpace(aud), "/")
}

// checkTimes enforces exp and nbf, each with the verifier's leeway. Both
// are compared as float seconds, so an absurd value cannot overflow.
func (v *Verifier) checkTimes(c Claims) error {
	now := float64(v.now().UnixNano()) / 1e9
	leeway := v.leeway.Seconds()

	exp, present, err := numericDate(c, "exp")
	if err != nil {
		return err
	}
	if present && now >= exp+leeway {
		return reject(msgExpired, nil)
	}

	nbf, present, err := numericDate(c, "nbf")
	if err != nil {
		return err
	}
	if present && now+leeway < nbf {
		return reject(msgNotYetValid, nil)
	}
	return nil
}

// numericDate returns the named claim as Unix seconds and whether it is
// present. A present claim that is not a number is a payload error.
func numericDate(c Claims, name string) (float64, bool, error) {
	raw, ok := c[name]
	if !ok || raw == nil {
		return 0, false, nil
	}
	seconds, ok := raw.(float64)
	if !ok {
		return 0, false, failure.New(failure.Unauthorized,
			"%s: %s must be a number of seconds", msgPayload, name)
	}
	return seconds, true, nil
}
