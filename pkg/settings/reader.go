package settings

import (
	"encoding/json"
	"fmt"
	"math"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
)

// Rules complete a key name in a problem message.
const (
	ruleRegion   = "must be an AWS region name such as us-east-1"
	ruleLogGroup = "must be a CloudWatch Logs group name: 1 to 512 " +
		"letters, digits or . - _ / #"
	ruleAccessKey = "must be an AWS access key ID of 16 to 128 letters and digits"
	ruleRoleARN   = "must be an IAM role ARN such as " +
		"arn:aws:iam::123456789012:role/relay"
	ruleExternalID = "must be 2 to 1224 letters, digits or + = , . @ : / - _"
	ruleLookback   = "must be a whole number of days from 1 to 90"
	ruleCount      = "must be a whole number from 0 to 10000"
	ruleLimit      = `must be "all" or a whole number from 0 to 10000`
	ruleNetworks   = "must be comma-separated CIDR blocks such as 10.0.0.0/16"
	ruleFlag       = "must be true or false"
	ruleFlowTotals = "must be insights or records"
	ruleString     = "must be a string"
)

var (
	// regionPattern matches region names of every partition, such as
	// us-east-1, us-gov-west-1, cn-north-1 and us-isob-east-1.
	regionPattern = regexp.MustCompile(`^[a-z]{2}(-[a-z]+){1,3}-[0-9]{1,2}$`)
	// logGroupPattern is the CloudWatch Logs rule for group names.
	logGroupPattern = regexp.MustCompile(`^[.\-_/#A-Za-z0-9]{1,512}$`)
	// accessKeyPattern matches an access key ID: 16 to 128 letters and digits.
	accessKeyPattern = regexp.MustCompile(`^[A-Za-z0-9]{16,128}$`)
	// roleARNPattern matches an IAM role ARN in any partition, with an
	// optional path before the role name.
	roleARNPattern = regexp.MustCompile(
		`^arn:aws(-[a-z]+)*:iam::[0-9]{12}:role/[\w+=,.@/-]{1,512}$`)
	// externalIDPattern holds the characters STS allows in an external
	// ID; validExternalID checks the length, beyond what a regexp counts.
	externalIDPattern = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	// numberPattern matches a decimal number written as a string.
	numberPattern = regexp.MustCompile(`^[+-]?[0-9]+(\.[0-9]+)?$`)
)

// reader reads keys from claims and collects a problem for each key that
// is missing or invalid, so all of them are reported together.
type reader struct {
	claims   map[string]any
	problems []string
}

// problem records one problem message.
func (r *reader) problem(format string, args ...any) {
	r.problems = append(r.problems, fmt.Sprintf(format, args...))
}

// lookup returns the value of key or of custom_<key>, the bare name first.
// Null and blank strings count as absent.
func (r *reader) lookup(key string) (any, bool) {
	for _, name := range []string{key, "custom_" + key} {
		value, ok := r.claims[name]
		if !ok || value == nil {
			continue
		}
		if s, isString := value.(string); isString && strings.TrimSpace(s) == "" {
			continue
		}
		return value, true
	}
	return nil, false
}

// text returns the trimmed string value of key. A value that is not a
// string or that valid (when set) refuses is a problem, and so is an
// absent key that is required.
func (r *reader) text(
	key string, required bool, valid func(string) bool, rule string,
) string {
	value, ok := r.lookup(key)
	if !ok {
		if required {
			r.problem("%s is required", key)
		}
		return ""
	}
	s, isString := value.(string)
	s = strings.TrimSpace(s)
	if !isString || (valid != nil && !valid(s)) {
		r.problem("%s %s", key, rule)
		return ""
	}
	return s
}

// validLogGroup reports whether name is a CloudWatch Logs group name.
func validLogGroup(name string) bool { return logGroupPattern.MatchString(name) }

// validAccessKey reports whether id looks like an AWS access key ID.
func validAccessKey(id string) bool { return accessKeyPattern.MatchString(id) }

// validRoleARN reports whether arn looks like an IAM role ARN.
func validRoleARN(arn string) bool { return roleARNPattern.MatchString(arn) }

// validExternalID reports whether id is an STS external ID: 2 to 1224
// allowed characters.
func validExternalID(id string) bool {
	return len(id) >= 2 && len(id) <= 1224 && externalIDPattern.MatchString(id)
}

// region returns the required region name, lower-cased.
func (r *reader) region(key string) string {
	value, ok := r.lookup(key)
	if !ok {
		r.problem("%s is required", key)
		return ""
	}
	s, isString := value.(string)
	s = strings.ToLower(strings.TrimSpace(s))
	if !isString || !regionPattern.MatchString(s) {
		r.problem("%s %s", key, ruleRegion)
		return ""
	}
	return s
}

// count returns the whole number under key, or fallback when it is
// absent. A value outside min..max is a problem.
func (r *reader) count(key string, fallback, min, max int, rule string) int {
	value, ok := r.lookup(key)
	if !ok {
		return fallback
	}
	n, ok := wholeNumber(value)
	if !ok || n < min || n > max {
		r.problem("%s %s", key, rule)
		return fallback
	}
	return n
}

// limit returns the LIMIT key: a count, where "all" and 0 mean no limit.
func (r *reader) limit(key string) int {
	value, ok := r.lookup(key)
	if s, isString := value.(string); ok && isString &&
		strings.EqualFold(strings.TrimSpace(s), "all") {
		return 0
	}
	return r.count(key, 0, 0, MaxCount, ruleLimit)
}

// flag returns the boolean under key: a JSON bool or the string "true" or
// "false" in any case. Absent means false.
func (r *reader) flag(key string) bool {
	value, ok := r.lookup(key)
	if !ok {
		return false
	}
	switch v := value.(type) {
	case bool:
		return v
	case string:
		switch strings.ToLower(strings.TrimSpace(v)) {
		case "true":
			return true
		case "false":
			return false
		}
	}
	r.problem("%s %s", key, ruleFlag)
	return false
}

// flowTotals returns the FLOW_TOTALS mode: "insights" or "records" in
// any case. Absent means InsightsTotals.
func (r *reader) flowTotals(key string) FlowTotalsMode {
	value, ok := r.lookup(key)
	if !ok {
		return InsightsTotals
	}
	s, _ := value.(string)
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "insights":
		return InsightsTotals
	case "records":
		return RecordTotals
	}
	r.problem("%s %s", key, ruleFlowTotals)
	return InsightsTotals
}

// networks returns the CIDR blocks under key, a comma-separated string or
// a list of strings. Empty entries are skipped, a bare address counts as a
// single-address block, and host bits are cleared.
func (r *reader) networks(key string) []netip.Prefix {
	value, ok := r.lookup(key)
	if !ok {
		return nil
	}
	entries, ok := networkEntries(value)
	if !ok {
		r.problem("%s %s", key, ruleNetworks)
		return nil
	}

	var prefixes []netip.Prefix
	for i, entry := range entries {
		prefix, ok := parseNetwork(entry)
		if !ok {
			r.problem("%s %s (entry %d is not)", key, ruleNetworks, i+1)
			return nil
		}
		prefixes = append(prefixes, prefix)
	}
	return prefixes
}

// networkEntries splits a NETWORKS value into trimmed, non-empty entries.
func networkEntries(value any) ([]string, bool) {
	var parts []string
	switch v := value.(type) {
	case string:
		parts = strings.Split(v, ",")
	case []any:
		for _, item := range v {
			s, ok := item.(string)
			if !ok {
				return nil, false
			}
			parts = append(parts, s)
		}
	default:
		return nil, false
	}

	entries := parts[:0]
	for _, part := range parts {
		if part = strings.TrimSpace(part); part != "" {
			entries = append(entries, part)
		}
	}
	return entries, true
}

// parseNetwork parses a CIDR block or a bare address, clearing host bits.
func parseNetwork(entry string) (netip.Prefix, bool) {
	if !strings.Contains(entry, "/") {
		addr, err := netip.ParseAddr(entry)
		if err != nil || addr.Zone() != "" {
			return netip.Prefix{}, false
		}
		return netip.PrefixFrom(addr, addr.BitLen()), true
	}
	prefix, err := netip.ParsePrefix(entry)
	if err != nil {
		return netip.Prefix{}, false
	}
	return prefix.Masked(), true
}

// wholeNumber returns value as an int when it is a whole number: a JSON
// number, an integer, or a decimal string such as "7" or "7.0". Booleans,
// fractions and anything beyond a billion are refused.
func wholeNumber(value any) (int, bool) {
	var f float64
	switch v := value.(type) {
	case float64:
		f = v
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case json.Number:
		return wholeNumber(string(v))
	case string:
		s := strings.TrimSpace(v)
		if !numberPattern.MatchString(s) {
			return 0, false
		}
		parsed, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return 0, false
		}
		f = parsed
	default:
		return 0, false
	}
	if math.IsNaN(f) || math.Abs(f) > 1e9 || f != math.Trunc(f) {
		return 0, false
	}
	return int(f), true
}
