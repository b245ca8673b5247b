package tiles

import (
	"fmt"
	"net/url"

	"github.com/aws-vpc-flow-relay/relay/pkg/console"
	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Resource is one kind of resource the summary tile counts.
type Resource int

// The counted resources, in the order the summary tile shows them.
const (
	Instances Resource = iota
	Buckets
	HTTPAPIs
	RESTAPIs
	VPCs
	Subnets
	SecurityGroups
)

// Resources lists every counted resource in display order.
var Resources = []Resource{Instances, Buckets, HTTPAPIs, RESTAPIs, VPCs,
	Subnets, SecurityGroups}

// resourceInfo is how the summary tile shows a resource.
type resourceInfo struct {
	label, icon string
	// service and fragment locate the resource's console page.
	service, fragment string
}

var resourceInfos = map[Resource]resourceInfo{
	Instances:      {"EC2 instances", "server", "ec2/home", "Instances:"},
	Buckets:        {"S3 buckets", "storage", "s3/buckets", ""},
	HTTPAPIs:       {"HTTP APIs", "cloud", "apigateway/main/apis", ""},
	RESTAPIs:       {"REST APIs", "cloud", "apigateway/main/apis", ""},
	VPCs:           {"VPCs", "network", "vpcconsole/home", "vpcs:"},
	Subnets:        {"Subnets", "network", "vpcconsole/home", "subnets:"},
	SecurityGroups: {"Security groups", "shield", "vpcconsole/home", "SecurityGroups:"},
}

// String returns the resource's label, such as "S3 buckets".
func (r Resource) String() string { return resourceInfos[r].label }

// Link returns the console page listing the resource in region.
func (r Resource) Link(region string) string {
	info := resourceInfos[r]
	link := fmt.Sprintf("https://%s/%s?region=%s", console.Host(region),
		info.service, url.QueryEscape(region))
	if info.fragment != "" {
		link += "#" + info.fragment
	}
	return link
}

// Count is the number of one resource, or Err when AWS would not say.
type Count struct {
	Resource Resource
	Value    int
	Err      error
}

// Summary returns the metric group items of counts, in their order, and
// one caller-safe message for each count that is unavailable.
func Summary(region string, counts []Count) ([]Metric, []string) {
	items := make([]Metric, 0, len(counts))
	var problems []string
	for _, c := range counts {
		m := Metric{Icon: resourceInfos[c.Resource].icon,
			Label: c.Resource.String(), ValueUnit: "integer",
			LinkURI: c.Resource.Link(region)}
		if c.Err != nil {
			m.Label += " (unavailable)"
			problems = append(problems, fmt.Sprintf("%s unavailable: %s",
				c.Resource, failure.MessageOf(c.Err)))
		} else {
			v := c.Value
			m.Value = &v
		}
		items = append(items, m)
	}
	return items, problems
}
