package settings

import (
	"net/netip"
	"strings"

	"github.com/rs/zerolog"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Bounds of the numeric keys.
const (
	// DefaultLookback is the number of days searched when LOOKBACK is
	// absent.
	DefaultLookback = 1
	// MaxLookback is the longest LOOKBACK accepted, in days.
	MaxLookback = 90
	// MaxCount is the largest LIMIT, INGRESS-FLOWS or EGRESS-FLOWS accepted.
	MaxCount = 10000
)

// Settings is one module instance's configuration. The zero values of the
// optional fields mean "not set": no static credentials, no role to assume,
// no limits, no networks.
type Settings struct {
	// AccessKey and SecretKey are static AWS credentials. Both are empty
	// when the relay should use its function's own role.
	AccessKey string
	SecretKey Secret
	// SessionToken goes with temporary static credentials.
	SessionToken Secret
	// Region is the AWS region of the log group and instances.
	Region string
	// LogGroup is the CloudWatch Logs group receiving the VPC Flow Logs.
	LogGroup string
	// TimeZone is kept for compatibility with the seed's module type;
	// all output is UTC.
	TimeZone string
	// Lookback is how many days of logs to search, 1 to 90 (default 1).
	Lookback int
	// Limit is the most sightings returned; 0 means all.
	Limit int
	// IngressFlows and EgressFlows cap sightings per direction; 0 means no
	// cap.
	IngressFlows, EgressFlows int
	// Networks are the account's address ranges, IPv4 and IPv6; empty
	// means they are looked up from the VPC subnets.
	Networks []netip.Prefix
	// RoleARN is a role to assume before calling AWS, and ExternalID the
	// external ID that role requires.
	RoleARN, ExternalID string
	// HideBlocked drops REJECT flows from sightings, as the seed did.
	HideBlocked bool
	// FlowTotals is how the flow tile counts; the zero value is
	// InsightsTotals, the default.
	FlowTotals FlowTotalsMode
}

// FlowTotalsMode is how the aws_vpc_flows tile counts a period's flows,
// the FLOW_TOTALS key.
type FlowTotalsMode int

// The values of FLOW_TOTALS.
const (
	// InsightsTotals ("insights", the default) has CloudWatch Logs
	// Insights count the flows, so that only the totals travel.
	InsightsTotals FlowTotalsMode = iota
	// RecordTotals ("records") reads every ACCEPT and REJECT record of
	// the period and counts them in the relay.
	RecordTotals
)

// String returns the mode as FLOW_TOTALS spells it.
func (m FlowTotalsMode) String() string {
	if m == RecordTotals {
		return "records"
	}
	return "insights"
}

// FromClaims reads the configuration keys from token claims. Each key may
// also carry the custom_ prefix of the module type; the bare name wins when
// both are present. Numbers may be JSON numbers or strings, and a blank
// string counts as absent. Other claims are ignored.
//
// It returns a *failure.Error of kind failure.InvalidArgument whose message
// names every missing or invalid key at once, for example "invalid
// configuration: REGION is required; LOOKBACK must be a whole number of
// days from 1 to 90". Messages never repeat a value.
func FromClaims(c map[string]any) (Settings, error) {
	r := &reader{claims: c}
	s := Settings{
		Region:   r.region("REGION"),
		LogGroup: r.text("LOG_GROUP", true, validLogGroup, ruleLogGroup),
		TimeZone: r.text("TIME_ZONE", false, nil, ruleString),
		Lookback: r.count("LOOKBACK", DefaultLookback, 1, MaxLookback,
			ruleLookback),
		Limit:        r.limit("LIMIT"),
		IngressFlows: r.count("INGRESS-FLOWS", 0, 0, MaxCount, ruleCount),
		EgressFlows:  r.count("EGRESS-FLOWS", 0, 0, MaxCount, ruleCount),
		Networks:     r.networks("NETWORKS"),
		HideBlocked:  r.flag("HIDE_BLOCKED"),
		FlowTotals:   r.flowTotals("FLOW_TOTALS"),
	}
	r.credentials(&s)
	r.role(&s)

	if len(r.problems) > 0 {
		return Settings{}, failure.New(failure.InvalidArgument,
			"invalid configuration: %s", strings.Join(r.problems, "; "))
	}
	return s, nil
}

// credentials reads the static credential keys, which come as a pair with
// an optional session token.
func (r *reader) credentials(s *Settings) {
	s.AccessKey = r.text("ACCESS_KEY", false, validAccessKey, ruleAccessKey)
	s.SecretKey = Secret(r.text("SECRET_KEY", false, nil, ruleString))
	s.SessionToken = Secret(r.text("SESSION_TOKEN", false, nil, ruleString))

	_, hasAccess := r.lookup("ACCESS_KEY")
	_, hasSecret := r.lookup("SECRET_KEY")
	_, hasSession := r.lookup("SESSION_TOKEN")
	if hasAccess != hasSecret {
		r.problem("ACCESS_KEY and SECRET_KEY must be given together")
	}
	if hasSession && !(hasAccess && hasSecret) {
		r.problem("SESSION_TOKEN needs ACCESS_KEY and SECRET_KEY")
	}
}

// role reads the role to assume and its external ID.
func (r *reader) role(s *Settings) {
	s.RoleARN = r.text("ROLE_ARN", false, validRoleARN, ruleRoleARN)
	s.ExternalID = r.text("EXTERNAL_ID", false, validExternalID, ruleExternalID)

	_, hasRole := r.lookup("ROLE_ARN")
	_, hasExternalID := r.lookup("EXTERNAL_ID")
	if hasExternalID && !hasRole {
		r.problem("EXTERNAL_ID needs ROLE_ARN")
	}
}

// MarshalZerologObject logs the settings without any credential: it says
// which kind of credentials is in use instead of showing them.
func (s Settings) MarshalZerologObject(e *zerolog.Event) {
	networks := make([]string, len(s.Networks))
	for i, p := range s.Networks {
		networks[i] = p.String()
	}
	e.Str("region", s.Region).
		Str("log_group", s.LogGroup).
		Str("credentials", s.credentialSource()).
		Str("role_arn", s.RoleARN).
		Bool("external_id", s.ExternalID != "").
		Int("lookback_days", s.Lookback).
		Int("limit", s.Limit).
		Int("ingress_flows", s.IngressFlows).
		Int("egress_flows", s.EgressFlows).
		Strs("networks", networks).
		Bool("hide_blocked", s.HideBlocked).
		Stringer("flow_totals", s.FlowTotals)
}

// credentialSource names where the relay's AWS credentials come from.
func (s Settings) credentialSource() string {
	switch {
	case s.AccessKey != "" && s.SessionToken != "":
		return "static-session"
	case s.AccessKey != "":
		return "static"
	default:
		return "function-role"
	}
}
