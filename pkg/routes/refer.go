package routes

import (
	"context"
	"fmt"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/console"
	"github.com/aws-vpc-flow-relay/relay/pkg/relay"
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
// each ip and ipv6 observable.
func Refer(d Deps) relay.Endpoint {
	return relay.Endpoint{Path: "/refer/observables",
		Handle: func(_ context.Context, c *relay.Call) (any, error) {
			addrs, s, err := readAddresses(c)
			if err != nil {
				return nil, err
			}
			now := d.now()
			from := now.Add(-time.Duration(s.Lookback) * 24 * time.Hour)
			refs := []Reference{}
			for _, a := range addrs {
				refs = append(refs, references(a, s.Region, s.LogGroup, from, now)...)
			}
			return refs, nil
		}}
}

// references lists the pivots for one address.
func references(a relay.Address, region, group string, from, to time.Time) []Reference {
	v := a.Addr.String()
	query := fmt.Sprintf("fields @timestamp, @message, @logStream\n"+
		"| filter @message like %q\n| sort @timestamp desc\n| limit 1000", v)
	return []Reference{{
		ID:          "ref-aws-ec2-instances-" + v,
		Title:       "Find EC2 instances with this IP",
		Description: "Search the EC2 console for instances holding " + v,
		Categories:  []string{"AWS", "EC2", "Search"},
		URL:         console.InstancesWithAddress(region, v),
	}, {
		ID:          "ref-aws-flow-logs-insights-" + v,
		Title:       "Query VPC Flow Logs for this IP",
		Description: "Run a CloudWatch Logs Insights query for " + v + " in " + group,
		Categories:  []string{"AWS", "CloudWatch", "VPC Flow Logs"},
		URL:         console.LogsInsights(region, group, query, from, to),
	}, {
		ID:          "ref-aws-vpc-console-" + v,
		Title:       "Open the VPC console",
		Description: "Browse the VPCs, subnets and security groups of " + region,
		Categories:  []string{"AWS", "VPC"},
		URL:         console.VPCs(region),
	}}
}
