package routes

import (
	"context"
	"net/netip"
	"regexp"
	"strings"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/console"
	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/observe"
	"github.com/aws-vpc-flow-relay/relay/pkg/relay"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// Reference is one pivot link of a refer answer.
type Reference struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description"`
	Categories  []string `json:"categories"`
	URL         string   `json:"url"`
}

// Refer serves POST /refer/observables: links into the AWS console for
// each ip and ipv6 observable. A public address an instance holds is also
// searched in the flow logs as the private address records show.
func Refer(d Deps) relay.Endpoint {
	return relay.Endpoint{Path: "/refer/observables",
		Handle: func(ctx context.Context, c *relay.Call) (any, error) {
			addrs, s, err := readAddresses(c)
			if err != nil || len(addrs) == 0 {
				return []Reference{}, err
			}
			private := recordedAs(ctx, d, c, s, addrs)
			now := d.now()
			from := now.Add(-time.Duration(s.Lookback) * 24 * time.Hour)
			refs := []Reference{}
			for _, a := range addrs {
				terms := []string{a.Addr.String()}
				if p, ok := private[a.Addr]; ok {
					terms = append(terms, p.String())
				}
				refs = append(refs, references(terms, s.Region, s.LogGroup,
					from, now)...)
			}
			return refs, nil
		}}
}

// recordedAs maps the public addresses among addrs to the private ones
// flow log records show. Links are still useful without it, so a failed
// lookup becomes a warning and the links search the public address only.
func recordedAs(ctx context.Context, d Deps, c *relay.Call, s settings.Settings,
	addrs []relay.Address) map[netip.Addr]netip.Addr {
	list := make([]netip.Addr, len(addrs))
	for i, a := range addrs {
		list[i] = a.Addr
	}
	acct, err := d.open(ctx, s)
	if err == nil {
		var private map[netip.Addr]netip.Addr
		if private, err = observe.RecordedAs(ctx, acct.Inventory(), list); err == nil {
			return private
		}
	}
	c.Log.Warn().Err(err).Msg("look up the private addresses of public IPs")
	c.Warn(failure.KindOf(err), "the flow log links search public addresses "+
		"as themselves: "+failure.MessageOf(err))
	return nil
}

// references lists the pivots for one address. terms are the address and,
// for a public address, the private address its flow records show.
func references(terms []string, region, group string, from, to time.Time) []Reference {
	v := terms[0]
	return []Reference{{
		ID:          "ref-aws-ec2-instances-" + v,
		Title:       "Find EC2 instances with this IP",
		Description: "Search the EC2 console for instances holding " + v,
		Categories:  []string{"AWS", "EC2", "Search"},
		URL:         console.InstancesWithAddress(region, v),
	}, {
		ID:    "ref-aws-flow-logs-insights-" + v,
		Title: "Query VPC Flow Logs for this IP",
		Description: "Run a CloudWatch Logs Insights query for " +
			describe(terms) + " in " + group,
		Categories: []string{"AWS", "CloudWatch", "VPC Flow Logs"},
		URL:        console.LogsInsights(region, group, insightsQuery(terms), from, to),
	}, {
		ID:          "ref-aws-vpc-console-" + v,
		Title:       "Open the VPC console",
		Description: "Browse the VPCs, subnets and security groups of " + region,
		Categories:  []string{"AWS", "VPC"},
		URL:         console.VPCs(region),
	}}
}

// describe names the address of terms and what its records show.
func describe(terms []string) string {
	if len(terms) == 1 {
		return terms[0]
	}
	return terms[0] + " (recorded as " + strings.Join(terms[1:], ", ") + ")"
}

// insightsQuery is a Logs Insights query for the records holding any of
// terms as a whole value, newest first. A plain substring would also
// match longer addresses (10.0.1.1 inside 10.0.1.10), so each term is a
// regular expression bounded by spaces or the ends of the record.
func insightsQuery(terms []string) string {
	likes := make([]string, len(terms))
	for i, t := range terms {
		likes[i] = "@message like /(^| )" + regexp.QuoteMeta(t) + "( |$)/"
	}
	return "fields @timestamp, @message, @logStream\n| filter " +
		strings.Join(likes, " or ") + "\n| sort @timestamp desc\n| limit 1000"
}
