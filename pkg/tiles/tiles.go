package tiles

import (
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Tile ids, kept from the relay this one replaces so that existing
// dashboards keep working.
const (
	IDSummary    = "aws_summary"
	IDEC2Details = "aws_ec2_details"
	IDVPCFlows   = "aws_vpc_flows"
	IDIAMLogin   = "aws_iam_login"
	IDIAMAPI     = "aws_iam_api"
)

// Tile types, as SecureX names them.
const (
	TypeMetricGroup        = "metric_group"
	TypeMarkdown           = "markdown"
	TypeDonut              = "donut_graph"
	TypeVerticalBarChart   = "vertical_bar_chart"
	TypeHorizontalBarChart = "horizontal_bar_chart"
)

// Periods a tile may offer.
const (
	LastHour    = "last_hour"
	Last24Hours = "last_24_hours"
	Last7Days   = "last_7_days"
	Last30Days  = "last_30_days"
	Last60Days  = "last_60_days"
	Last90Days  = "last_90_days"
)

// day is the length of a day in periods.
const day = 24 * time.Hour

// StaleAfter is the age past which a password or access key counts as
// old, and the time without use past which it counts as unused.
const StaleAfter = 180 * day

// periods maps each known period to its length.
var periods = map[string]time.Duration{
	LastHour:    time.Hour,
	Last24Hours: day,
	Last7Days:   7 * day,
	Last30Days:  30 * day,
	Last60Days:  60 * day,
	Last90Days:  90 * day,
}

// Definition describes one tile, as /tiles and /tiles/tile answer it.
type Definition struct {
	ID               string   `json:"id"`
	Type             string   `json:"type"`
	Title            string   `json:"title"`
	ShortDescription string   `json:"short_description"`
	Description      string   `json:"description"`
	Tags             []string `json:"tags"`
	Periods          []string `json:"periods"`
	DefaultPeriod    string   `json:"default_period"`
}

// definitions lists the five tiles in the order /tiles returns them.
var definitions = []Definition{{
	ID: IDSummary, Type: TypeMetricGroup, Title: "AWS resources",
	ShortDescription: "Counts of the account's main resources",
	Description: "EC2 instances (terminated ones excluded), S3 buckets, " +
		"HTTP APIs, REST APIs, VPCs, subnets and security groups of the " +
		"configured region, each linking to its AWS console page. A count " +
		"AWS refused to give is marked unavailable.",
	Tags:    []string{"aws", "inventory"},
	Periods: []string{LastHour}, DefaultPeriod: LastHour,
}, {
	ID: IDEC2Details, Type: TypeMarkdown, Title: "AWS EC2 instances",
	ShortDescription: "The account's EC2 instances",
	Description: "A table of the EC2 instances of the configured region, " +
		"running ones first: name linking to the instance in the console, " +
		"instance type, private IP and state.",
	Tags:    []string{"aws", "ec2"},
	Periods: []string{LastHour}, DefaultPeriod: LastHour,
}, {
	ID: IDVPCFlows, Type: TypeDonut, Title: "AWS VPC flows",
	ShortDescription: "Allowed and blocked flows in and out of the VPCs",
	Description: "Flow log records of the configured log group over the " +
		"period: ingress is traffic from outside the account's VPC and " +
		"subnet ranges (or NETWORKS) to inside them, egress the reverse, " +
		"each split into allowed (ACCEPT) and blocked (REJECT). Traffic " +
		"between two internal addresses is in neither ring; NODATA and " +
		"SKIPDATA records are ignored.",
	Tags:          []string{"aws", "vpc", "flow logs"},
	Periods:       []string{Last24Hours, Last7Days, Last30Days},
	DefaultPeriod: Last24Hours,
}, {
	ID: IDIAMLogin, Type: TypeVerticalBarChart, Title: "AWS IAM console users",
	ShortDescription: "Console sign-in hygiene of IAM users",
	Description: "From the IAM credential report: IAM users with a " +
		"console password, those whose password is older than 180 days, " +
		"those who have not signed in for 180 days, and those without " +
		"MFA. The root account is not counted.",
	Tags:    []string{"aws", "iam"},
	Periods: []string{LastHour}, DefaultPeriod: LastHour,
}, {
	ID: IDIAMAPI, Type: TypeHorizontalBarChart, Title: "AWS IAM API users",
	ShortDescription: "Access key hygiene of API-only IAM users",
	Description: "From the IAM credential report: IAM users without a " +
		"console password but with an active access key, those with an " +
		"active key older than 180 days, and those with an active key " +
		"unused for 180 days. The root account is not counted.",
	Tags:    []string{"aws", "iam"},
	Periods: []string{LastHour}, DefaultPeriod: LastHour,
}}

// All returns the definitions of every tile.
func All() []Definition {
	out := make([]Definition, len(definitions))
	copy(out, definitions)
	return out
}

// Find returns the definition of the tile with the given id. An empty or
// unknown id is an invalid argument naming the known ones.
func Find(id string) (Definition, error) {
	for _, d := range definitions {
		if d.ID == id {
			return d, nil
		}
	}
	if id == "" {
		return Definition{}, failure.New(failure.InvalidArgument,
			"tile_id is required; use one of %s", knownIDs())
	}
	return Definition{}, failure.New(failure.InvalidArgument,
		"unknown tile_id %s; use one of %s", quote(id), knownIDs())
}

// Period returns the window of the named period ending at now, in UTC.
// An empty name means the tile's default period; a period the tile does
// not offer is an invalid argument.
func (d Definition) Period(name string, now time.Time) (Window, error) {
	if name == "" {
		name = d.DefaultPeriod
	}
	for _, p := range d.Periods {
		if p == name {
			now = now.UTC().Truncate(time.Millisecond)
			return Window{Name: p, From: now.Add(-periods[p]), To: now}, nil
		}
	}
	return Window{}, failure.New(failure.InvalidArgument,
		"tile %s has no period %s; use one of %v", d.ID, quote(name), d.Periods)
}

// Window is the time a tile's data covers: [From, To) in UTC.
type Window struct {
	Name     string
	From, To time.Time
}

// knownIDs lists the tile ids for messages.
func knownIDs() string {
	out := ""
	for i, d := range definitions {
		if i > 0 {
			out += ", "
		}
		out += d.ID
	}
	return out
}

// quote quotes a caller's value for a message, cut to a safe length.
func quote(s string) string {
	const most = 60
	if len(s) > most {
		s = s[:most] + "..."
	}
	return `"` + s + `"`
}
