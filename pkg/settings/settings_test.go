package settings

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"reflect"
	"strings"
	"testing"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

const (
	testAccessKey = "AKIAIOSFODNN7EXAMPLE"
	testSecretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	testSession   = "IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENVALUE"
	testRoleARN   = "arn:aws:iam::123456789012:role/securex/relay-reader"
)

// claims returns the minimal valid claims, changed by set and with the
// drop keys removed. Non-configuration claims are included to show they
// are ignored.
func claims(set map[string]any, drop ...string) map[string]any {
	c := map[string]any{
		"REGION":    "us-east-1",
		"LOG_GROUP": "/vpc/flow-logs",
		"aud":       "https://relay.example.com/prod",
		"exp":       float64(1796000000),
		"jwks_host": "visibility.amp.cisco.com",
	}
	for k, v := range set {
		c[k] = v
	}
	for _, k := range drop {
		delete(c, k)
	}
	return c
}

// base returns the settings of the minimal valid claims, changed by edit.
func base(edit func(*Settings)) Settings {
	s := Settings{Region: "us-east-1", LogGroup: "/vpc/flow-logs", Lookback: 1}
	if edit != nil {
		edit(&s)
	}
	return s
}

// prefixes parses CIDR blocks for expected values.
func prefixes(cidrs ...string) []netip.Prefix {
	var out []netip.Prefix
	for _, c := range cidrs {
		out = append(out, netip.MustParsePrefix(c))
	}
	return out
}

func TestFromClaims(t *testing.T) {
	tests := []struct {
		name   string
		claims map[string]any
		want   Settings
	}{
		{name: "minimal", claims: claims(nil), want: base(nil)},
		{name: "everything", claims: claims(map[string]any{
			"ACCESS_KEY": testAccessKey, "SECRET_KEY": testSecretKey,
			"SESSION_TOKEN": testSession, "TIME_ZONE": "Pacific Standard Time",
			"LOOKBACK": 7, "LIMIT": "250", "INGRESS-FLOWS": 20.0,
			"EGRESS-FLOWS": "30", "NETWORKS": "10.0.0.0/16, 2600:1f18::/56",
			"ROLE_ARN": testRoleARN, "EXTERNAL_ID": "securex-relay-42",
			"HIDE_BLOCKED": true, "FLOW_TOTALS": "records",
		}), want: Settings{
			AccessKey: testAccessKey, SecretKey: testSecretKey,
			SessionToken: testSession, Region: "us-east-1",
			LogGroup: "/vpc/flow-logs", TimeZone: "Pacific Standard Time",
			Lookback: 7, Limit: 250, IngressFlows: 20, EgressFlows: 30,
			Networks: prefixes("10.0.0.0/16", "2600:1f18::/56"),
			RoleARN:  testRoleARN, ExternalID: "securex-relay-42",
			HideBlocked: true, FlowTotals: RecordTotals,
		}},
		{name: "custom_ prefix", claims: map[string]any{
			"custom_REGION": "eu-west-1", "custom_LOG_GROUP": "flows",
			"custom_LOOKBACK": "3", "custom_ACCESS_KEY": testAccessKey,
			"custom_SECRET_KEY": testSecretKey,
		}, want: Settings{Region: "eu-west-1", LogGroup: "flows", Lookback: 3,
			AccessKey: testAccessKey, SecretKey: testSecretKey}},
		{name: "bare name wins over custom_", claims: claims(map[string]any{
			"custom_REGION": "eu-west-1", "LOOKBACK": 2, "custom_LOOKBACK": 9,
		}), want: base(func(s *Settings) { s.Lookback = 2 })},
		{name: "blank optional keys are absent", claims: claims(map[string]any{
			"ACCESS_KEY": "", "SECRET_KEY": "  ", "LIMIT": "", "NETWORKS": "",
			"ROLE_ARN": nil, "HIDE_BLOCKED": "",
		}), want: base(nil)},
		{name: "values are trimmed", claims: claims(map[string]any{
			"REGION": " us-west-2 ", "LOG_GROUP": " flows ",
		}), want: base(func(s *Settings) {
			s.Region, s.LogGroup = "us-west-2", "flows"
		})},
		{name: "static credentials without session token",
			claims: claims(map[string]any{
				"ACCESS_KEY": testAccessKey, "SECRET_KEY": testSecretKey}),
			want: base(func(s *Settings) {
				s.AccessKey, s.SecretKey = testAccessKey, testSecretKey
			})},
		{name: "role without external ID",
			claims: claims(map[string]any{"ROLE_ARN": testRoleARN}),
			want:   base(func(s *Settings) { s.RoleARN = testRoleARN })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromClaims(tt.claims)
			if err != nil {
				t.Fatalf("FromClaims() error = %v", err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("FromClaims() =\n%+v\nwant\n%+v", got, tt.want)
			}
		})
	}
}

// TestFromClaimsKeys checks each key's accepted and refused values. A
// refused value must produce exactly that key's problem.
func TestFromClaimsKeys(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		value   any
		get     func(Settings) any
		want    any
		problem string // empty when the value is accepted
	}{
		{"REGION us-east-1", "REGION", "us-east-1", region, "us-east-1", ""},
		{"REGION GovCloud", "REGION", "us-gov-west-1", region, "us-gov-west-1", ""},
		{"REGION China", "REGION", "cn-north-1", region, "cn-north-1", ""},
		{"REGION ISO-B", "REGION", "us-isob-east-1", region, "us-isob-east-1", ""},
		{"REGION upper case", "REGION", "AP-SOUTHEAST-2", region, "ap-southeast-2", ""},
		{"REGION zone", "REGION", "us-east-1a", region, "", "REGION " + ruleRegion},
		{"REGION no number", "REGION", "us-east", region, "", "REGION " + ruleRegion},
		{"REGION spaces", "REGION", "us east 1", region, "", "REGION " + ruleRegion},
		{"REGION injected", "REGION", "us-east-1;x", region, "", "REGION " + ruleRegion},
		{"REGION number", "REGION", 1.0, region, "", "REGION " + ruleRegion},
		{"REGION missing", "REGION", nil, region, "", "REGION is required"},
		{"REGION blank", "REGION", "  ", region, "", "REGION is required"},

		{"LOG_GROUP all allowed characters", "LOG_GROUP", "/aws/vpc_flow-logs.v2#1",
			logGroup, "/aws/vpc_flow-logs.v2#1", ""},
		{"LOG_GROUP 512 characters", "LOG_GROUP", strings.Repeat("g", 512),
			logGroup, strings.Repeat("g", 512), ""},
		{"LOG_GROUP 513 characters", "LOG_GROUP", strings.Repeat("g", 513),
			logGroup, "", "LOG_GROUP " + ruleLogGroup},
		{"LOG_GROUP space", "LOG_GROUP", "vpc flows", logGroup, "",
			"LOG_GROUP " + ruleLogGroup},
		{"LOG_GROUP asterisk", "LOG_GROUP", "vpc*", logGroup, "",
			"LOG_GROUP " + ruleLogGroup},
		{"LOG_GROUP list", "LOG_GROUP", []any{"a"}, logGroup, "",
			"LOG_GROUP " + ruleLogGroup},
		{"LOG_GROUP missing", "LOG_GROUP", nil, logGroup, "", "LOG_GROUP is required"},

		{"TIME_ZONE Windows name", "TIME_ZONE", "Pacific Standard Time",
			timeZone, "Pacific Standard Time", ""},
		{"TIME_ZONE number", "TIME_ZONE", 8.0, timeZone, "",
			"TIME_ZONE must be a string"},

		{"LOOKBACK number", "LOOKBACK", 3.0, lookback, 3, ""},
		{"LOOKBACK int", "LOOKBACK", 3, lookback, 3, ""},
		{"LOOKBACK json.Number", "LOOKBACK", json.Number("3"), lookback, 3, ""},
		{"LOOKBACK numeric string", "LOOKBACK", "3", lookback, 3, ""},
		{"LOOKBACK string 3.0", "LOOKBACK", "3.0", lookback, 3, ""},
		{"LOOKBACK padded string", "LOOKBACK", " 3 ", lookback, 3, ""},
		{"LOOKBACK 90", "LOOKBACK", 90.0, lookback, 90, ""},
		{"LOOKBACK absent", "LOOKBACK", nil, lookback, 1, ""},
		{"LOOKBACK 3.5", "LOOKBACK", 3.5, lookback, 1, "LOOKBACK " + ruleLookback},
		{"LOOKBACK string 3.5", "LOOKBACK", "3.5", lookback, 1,
			"LOOKBACK " + ruleLookback},
		{"LOOKBACK 0", "LOOKBACK", 0.0, lookback, 1, "LOOKBACK " + ruleLookback},
		{"LOOKBACK 91", "LOOKBACK", "91", lookback, 1, "LOOKBACK " + ruleLookback},
		{"LOOKBACK negative", "LOOKBACK", -2.0, lookback, 1,
			"LOOKBACK " + ruleLookback},
		{"LOOKBACK bool", "LOOKBACK", true, lookback, 1, "LOOKBACK " + ruleLookback},
		{"LOOKBACK word", "LOOKBACK", "seven", lookback, 1,
			"LOOKBACK " + ruleLookback},
		{"LOOKBACK exponent", "LOOKBACK", "1e1", lookback, 1,
			"LOOKBACK " + ruleLookback},
		{"LOOKBACK hex", "LOOKBACK", "0x5", lookback, 1, "LOOKBACK " + ruleLookback},
		{"LOOKBACK huge", "LOOKBACK", 1e300, lookback, 1, "LOOKBACK " + ruleLookback},

		{"LIMIT all", "LIMIT", "all", limit, 0, ""},
		{"LIMIT ALL", "LIMIT", " ALL ", limit, 0, ""},
		{"LIMIT 0", "LIMIT", 0.0, limit, 0, ""},
		{"LIMIT number", "LIMIT", 50.0, limit, 50, ""},
		{"LIMIT string", "LIMIT", "50", limit, 50, ""},
		{"LIMIT 10000", "LIMIT", 10000.0, limit, 10000, ""},
		{"LIMIT 10001", "LIMIT", 10001.0, limit, 0, "LIMIT " + ruleLimit},
		{"LIMIT fraction", "LIMIT", 2.5, limit, 0, "LIMIT " + ruleLimit},
		{"LIMIT negative", "LIMIT", "-1", limit, 0, "LIMIT " + ruleLimit},
		{"LIMIT bool", "LIMIT", false, limit, 0, "LIMIT " + ruleLimit},
		{"LIMIT word", "LIMIT", "none", limit, 0, "LIMIT " + ruleLimit},

		{"INGRESS-FLOWS number", "INGRESS-FLOWS", 5.0, ingress, 5, ""},
		{"INGRESS-FLOWS string 5.0", "INGRESS-FLOWS", "5.0", ingress, 5, ""},
		{"INGRESS-FLOWS fraction", "INGRESS-FLOWS", "5.5", ingress, 0,
			"INGRESS-FLOWS " + ruleCount},
		{"INGRESS-FLOWS all", "INGRESS-FLOWS", "all", ingress, 0,
			"INGRESS-FLOWS " + ruleCount},
		{"INGRESS-FLOWS too many", "INGRESS-FLOWS", 20000.0, ingress, 0,
			"INGRESS-FLOWS " + ruleCount},
		{"EGRESS-FLOWS number", "EGRESS-FLOWS", 10000.0, egress, 10000, ""},
		{"EGRESS-FLOWS bool", "EGRESS-FLOWS", true, egress, 0,
			"EGRESS-FLOWS " + ruleCount},
		{"EGRESS-FLOWS negative", "EGRESS-FLOWS", -1.0, egress, 0,
			"EGRESS-FLOWS " + ruleCount},

		{"NETWORKS IPv4 and IPv6", "NETWORKS", "10.0.0.0/16,172.31.0.0/16, fd00::/8",
			networks, prefixes("10.0.0.0/16", "172.31.0.0/16", "fd00::/8"), ""},
		{"NETWORKS trailing comma", "NETWORKS", "10.0.0.0/8,", networks,
			prefixes("10.0.0.0/8"), ""},
		{"NETWORKS host bits cleared", "NETWORKS", "10.0.1.5/16", networks,
			prefixes("10.0.0.0/16"), ""},
		{"NETWORKS bare address", "NETWORKS", "10.0.1.5, 2001:db8::1", networks,
			prefixes("10.0.1.5/32", "2001:db8::1/128"), ""},
		{"NETWORKS list", "NETWORKS", []any{"10.0.0.0/16", "10.1.0.0/16"},
			networks, prefixes("10.0.0.0/16", "10.1.0.0/16"), ""},
		{"NETWORKS bad entry", "NETWORKS", "10.0.0.0/16,10.0.0.0/33", networks,
			[]netip.Prefix(nil), "NETWORKS " + ruleNetworks + " (entry 2 is not)"},
		{"NETWORKS word", "NETWORKS", "internal", networks, []netip.Prefix(nil),
			"NETWORKS " + ruleNetworks + " (entry 1 is not)"},
		{"NETWORKS number", "NETWORKS", 10.0, networks, []netip.Prefix(nil),
			"NETWORKS " + ruleNetworks},
		{"NETWORKS list with number", "NETWORKS", []any{"10.0.0.0/8", 1.0},
			networks, []netip.Prefix(nil), "NETWORKS " + ruleNetworks},

		{"HIDE_BLOCKED true", "HIDE_BLOCKED", true, hideBlocked, true, ""},
		{"HIDE_BLOCKED false", "HIDE_BLOCKED", false, hideBlocked, false, ""},
		{"HIDE_BLOCKED string TRUE", "HIDE_BLOCKED", "TRUE", hideBlocked, true, ""},
		{"HIDE_BLOCKED string false", "HIDE_BLOCKED", "false", hideBlocked, false, ""},
		{"HIDE_BLOCKED absent", "HIDE_BLOCKED", nil, hideBlocked, false, ""},
		{"HIDE_BLOCKED yes", "HIDE_BLOCKED", "yes", hideBlocked, false,
			"HIDE_BLOCKED " + ruleFlag},
		{"HIDE_BLOCKED number", "HIDE_BLOCKED", 1.0, hideBlocked, false,
			"HIDE_BLOCKED " + ruleFlag},

		{"FLOW_TOTALS insights", "FLOW_TOTALS", "insights", flowTotals,
			InsightsTotals, ""},
		{"FLOW_TOTALS records", "FLOW_TOTALS", "records", flowTotals,
			RecordTotals, ""},
		{"FLOW_TOTALS padded upper case", "FLOW_TOTALS", " Records ",
			flowTotals, RecordTotals, ""},
		{"FLOW_TOTALS absent", "FLOW_TOTALS", nil, flowTotals, InsightsTotals, ""},
		{"FLOW_TOTALS other word", "FLOW_TOTALS", "stats", flowTotals, nil,
			"FLOW_TOTALS " + ruleFlowTotals},
		{"FLOW_TOTALS bool", "FLOW_TOTALS", true, flowTotals, nil,
			"FLOW_TOTALS " + ruleFlowTotals},
		{"FLOW_TOTALS list", "FLOW_TOTALS", []any{"records"}, flowTotals, nil,
			"FLOW_TOTALS " + ruleFlowTotals},

		{"ROLE_ARN plain", "ROLE_ARN", "arn:aws:iam::123456789012:role/relay",
			roleARN, "arn:aws:iam::123456789012:role/relay", ""},
		{"ROLE_ARN GovCloud", "ROLE_ARN", "arn:aws-us-gov:iam::123456789012:role/r",
			roleARN, "arn:aws-us-gov:iam::123456789012:role/r", ""},
		{"ROLE_ARN user", "ROLE_ARN", "arn:aws:iam::123456789012:user/bob",
			roleARN, "", "ROLE_ARN " + ruleRoleARN},
		{"ROLE_ARN short account", "ROLE_ARN", "arn:aws:iam::1234:role/r",
			roleARN, "", "ROLE_ARN " + ruleRoleARN},
		{"ROLE_ARN other service", "ROLE_ARN", "arn:aws:s3:::bucket",
			roleARN, "", "ROLE_ARN " + ruleRoleARN},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := claims(map[string]any{tt.key: tt.value})
			if tt.value == nil {
				delete(c, tt.key)
			}

			got, err := FromClaims(c)

			if tt.problem == "" {
				if err != nil {
					t.Fatalf("FromClaims() error = %v", err)
				}
				if value := tt.get(got); !reflect.DeepEqual(value, tt.want) {
					t.Errorf("%s = %#v, want %#v", tt.key, value, tt.want)
				}
				return
			}
			want := "invalid configuration: " + tt.problem
			if msg := invalidMessage(t, err); msg != want {
				t.Errorf("FromClaims() message = %q, want %q", msg, want)
			}
		})
	}
}

func region(s Settings) any      { return s.Region }
func logGroup(s Settings) any    { return s.LogGroup }
func timeZone(s Settings) any    { return s.TimeZone }
func lookback(s Settings) any    { return s.Lookback }
func limit(s Settings) any       { return s.Limit }
func ingress(s Settings) any     { return s.IngressFlows }
func egress(s Settings) any      { return s.EgressFlows }
func networks(s Settings) any    { return s.Networks }
func hideBlocked(s Settings) any { return s.HideBlocked }
func roleARN(s Settings) any     { return s.RoleARN }
func flowTotals(s Settings) any  { return s.FlowTotals }

// invalidMessage asserts err is an InvalidArgument *failure.Error and
// returns its message.
func invalidMessage(t *testing.T, err error) string {
	t.Helper()
	var fe *failure.Error
	if !errors.As(err, &fe) {
		t.Fatalf("FromClaims() error = %v (%T), want *failure.Error", err, err)
	}
	if fe.Kind != failure.InvalidArgument {
		t.Errorf("FromClaims() kind = %v, want %v", fe.Kind, failure.InvalidArgument)
	}
	return fe.Message
}

// TestFromClaimsCombinations checks the rules between keys and that every
// problem is reported at once, in a fixed order, without any value.
func TestFromClaimsCombinations(t *testing.T) {
	tests := []struct {
		name     string
		claims   map[string]any
		problems []string
	}{
		{name: "nothing", claims: map[string]any{},
			problems: []string{"REGION is required", "LOG_GROUP is required"}},
		{name: "nil claims", claims: nil,
			problems: []string{"REGION is required", "LOG_GROUP is required"}},
		{name: "secret key without access key",
			claims:   claims(map[string]any{"SECRET_KEY": testSecretKey}),
			problems: []string{"ACCESS_KEY and SECRET_KEY must be given together"}},
		{name: "access key without secret key",
			claims:   claims(map[string]any{"ACCESS_KEY": testAccessKey}),
			problems: []string{"ACCESS_KEY and SECRET_KEY must be given together"}},
		{name: "session token alone",
			claims:   claims(map[string]any{"SESSION_TOKEN": testSession}),
			problems: []string{"SESSION_TOKEN needs ACCESS_KEY and SECRET_KEY"}},
		{name: "malformed access key", claims: claims(map[string]any{
			"ACCESS_KEY": "AKIA IOSF", "SECRET_KEY": testSecretKey}),
			problems: []string{"ACCESS_KEY " + ruleAccessKey}},
		{name: "secret key not a string", claims: claims(map[string]any{
			"ACCESS_KEY": testAccessKey, "SECRET_KEY": 12345.0}),
			problems: []string{"SECRET_KEY must be a string"}},
		{name: "external ID without role",
			claims:   claims(map[string]any{"EXTERNAL_ID": "securex-relay"}),
			problems: []string{"EXTERNAL_ID needs ROLE_ARN"}},
		{name: "external ID malformed", claims: claims(map[string]any{
			"ROLE_ARN": testRoleARN, "EXTERNAL_ID": "has space"}),
			problems: []string{"EXTERNAL_ID " + ruleExternalID}},
		{name: "all errors at once", claims: map[string]any{
			"custom_LOG_GROUP": "bad group", "LOOKBACK": "365",
			"LIMIT": 3.5, "INGRESS-FLOWS": "-4", "EGRESS-FLOWS": true,
			"NETWORKS": "10.0.0.0/8,nope", "HIDE_BLOCKED": "maybe",
			"FLOW_TOTALS": "all", "SECRET_KEY": testSecretKey, "SESSION_TOKEN": testSession,
			"ROLE_ARN": "role", "EXTERNAL_ID": "x",
		}, problems: []string{
			"REGION is required",
			"LOG_GROUP " + ruleLogGroup,
			"LOOKBACK " + ruleLookback,
			"LIMIT " + ruleLimit,
			"INGRESS-FLOWS " + ruleCount,
			"EGRESS-FLOWS " + ruleCount,
			"NETWORKS " + ruleNetworks + " (entry 2 is not)",
			"HIDE_BLOCKED " + ruleFlag,
			"FLOW_TOTALS " + ruleFlowTotals,
			"ACCESS_KEY and SECRET_KEY must be given together",
			"SESSION_TOKEN needs ACCESS_KEY and SECRET_KEY",
			"ROLE_ARN " + ruleRoleARN,
			"EXTERNAL_ID " + ruleExternalID,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromClaims(tt.claims)

			want := "invalid configuration: " + strings.Join(tt.problems, "; ")
			if msg := invalidMessage(t, err); msg != want {
				t.Errorf("FromClaims() message =\n%q\nwant\n%q", msg, want)
			}
			if !reflect.DeepEqual(got, Settings{}) {
				t.Errorf("FromClaims() settings = %+v, want zero", got)
			}
			for _, secret := range []string{testSecretKey, testSession} {
				if strings.Contains(err.Error(), secret) {
					t.Errorf("error %q repeats a secret", err)
				}
			}
		})
	}
}

// TestFromClaimsExample checks the example message of the documentation.
func TestFromClaimsExample(t *testing.T) {
	_, err := FromClaims(claims(map[string]any{"LOOKBACK": 0}, "REGION"))

	want := "invalid configuration: REGION is required; " +
		"LOOKBACK must be a whole number of days from 1 to 90"
	if got := fmt.Sprint(err); got != want {
		t.Errorf("FromClaims() error = %q, want %q", got, want)
	}
}

func BenchmarkFromClaims(b *testing.B) {
	c := claims(map[string]any{
		"ACCESS_KEY": testAccessKey, "SECRET_KEY": testSecretKey,
		"LOOKBACK": "7", "LIMIT": "all", "NETWORKS": "10.0.0.0/16,fd00::/8",
		"ROLE_ARN": testRoleARN, "HIDE_BLOCKED": "true",
	})
	for b.Loop() {
		if _, err := FromClaims(c); err != nil {
			b.Fatal(err)
		}
	}
}
