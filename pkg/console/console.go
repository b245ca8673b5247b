// Package console builds links into the AWS Management Console, so that an
// analyst can pivot from SecureX to the resource the relay talked about.
//
// Links name the region explicitly and use the console host of the region's
// partition: aws, aws-us-gov or aws-cn.
package console

import (
	"fmt"
	"net/url"
	"strings"
	"time"
)

// Host returns the console host for region, e.g.
// "us-east-1.console.aws.amazon.com".
func Host(region string) string {
	switch {
	case strings.HasPrefix(region, "us-gov-"):
		return "console.amazonaws-us-gov.com"
	case strings.HasPrefix(region, "cn-"):
		return "console.amazonaws.cn"
	default:
		return region + ".console.aws.amazon.com"
	}
}

// service returns the base URL of a console service in region, with the
// region parameter set and the given fragment.
func service(region, name, fragment string) string {
	return fmt.Sprintf("https://%s/%s/home?region=%s#%s",
		Host(region), name, url.QueryEscape(region), fragment)
}

// Instance links to the details page of an EC2 instance.
func Instance(region, instanceID string) string {
	return service(region, "ec2", "InstanceDetails:instanceId="+
		url.QueryEscape(instanceID))
}

// InstancesWithAddress links to the EC2 instance list searched for an
// address, which finds private, public and IPv6 addresses alike.
func InstancesWithAddress(region, addr string) string {
	return service(region, "ec2", "Instances:search="+url.QueryEscape(addr))
}

// VPCs links to the VPC console's list of VPCs.
func VPCs(region string) string {
	return service(region, "vpcconsole", "vpcs:")
}

// LogEvents links to a log group's events filtered by a quoted term.
func LogEvents(region, logGroup, term string) string {
	frag := "logsV2:log-groups/log-group/" +
		consoleEscape(url.QueryEscape(logGroup)) + "/log-events" +
		consoleEscape("?filterPattern="+url.QueryEscape(`"`+term+`"`))
	return service(region, "cloudwatch", frag)
}

// LogsInsights links to CloudWatch Logs Insights with a query over
// logGroup for the window [from, to).
func LogsInsights(region, logGroup, query string, from, to time.Time) string {
	state := fmt.Sprintf("~(end~'%s~start~'%s~timeType~'ABSOLUTE~tz~'UTC"+
		"~editorString~'%s~source~(~'%s))",
		insightsEscape(to.UTC().Format(time.RFC3339)),
		insightsEscape(from.UTC().Format(time.RFC3339)),
		insightsEscape(query), insightsEscape(logGroup))
	return service(region, "cloudwatch",
		"logsV2:logs-insights"+consoleEscape("?queryDetail=")+state)
}

// consoleEscape encodes text the way the CloudWatch console encodes the
// parts of its fragment: percent-encoding with "$" in place of "%".
func consoleEscape(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "%", "$")
}

// insightsEscape encodes a value of the Logs Insights query state, which
// uses "*" in place of "%" in its own layer of encoding.
func insightsEscape(s string) string {
	escaped := strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
	return strings.ReplaceAll(escaped, "%", "*")
}
