package seed

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/netip"
	"os"
	"reflect"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-vpc-flow-relay/relay/localstack/emutest"
)

// emulatorConfig returns an AWS config for the emulator at
// AWS_ENDPOINT_URL, or skips the test when none answers there.
func emulatorConfig(t *testing.T) aws.Config {
	t.Helper()
	emutest.Need(t)
	region := cmpOr(os.Getenv("AWS_REGION"), os.Getenv("AWS_DEFAULT_REGION"), "us-east-1")
	cfg, err := config.LoadDefaultConfig(t.Context(),
		config.WithRegion(region),
		config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider("test", "test", "")))
	if err != nil {
		t.Fatalf("load AWS config: %v", err)
	}
	return cfg
}

// uniquePrefix returns a prefix no other test run uses, so runs can share
// one emulator without resetting it.
func uniquePrefix(t *testing.T) string {
	b := make([]byte, 4)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return "it" + hex.EncodeToString(b) + "-"
}

func TestRunAgainstEmulator(t *testing.T) {
	cfg := emulatorConfig(t)
	ctx := t.Context()
	truth, err := Run(ctx, cfg, Options{Records: 3000, Seed: 1, Prefix: uniquePrefix(t)})
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	ec2c, logs := ec2.NewFromConfig(cfg), cloudwatchlogs.NewFromConfig(cfg)

	t.Run("vpc", func(t *testing.T) { checkVPC(ctx, t, ec2c, truth) })
	t.Run("instances", func(t *testing.T) { checkInstances(ctx, t, ec2c, truth) })
	t.Run("flow logs", func(t *testing.T) { checkFlowLogs(ctx, t, ec2c, truth) })
	t.Run("log streams", func(t *testing.T) { checkStreams(ctx, t, logs, truth) })
	t.Run("event counts", func(t *testing.T) { checkEventCounts(ctx, t, logs, truth) })
	t.Run("query statistics", func(t *testing.T) { checkQueries(ctx, t, logs, truth) })
}

func checkVPC(
	ctx context.Context,
	t *testing.T,
	c *ec2.Client,
	truth *Truth,
) {
	out, err := c.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{VpcIds: []string{truth.VPC.ID}})
	if err != nil || len(out.Vpcs) != 1 {
		t.Fatalf("describe VPC %s: %v (%d found)", truth.VPC.ID, err, len(out.Vpcs))
	}
	v := out.Vpcs[0]
	if got := aws.ToString(v.CidrBlock); got != truth.VPC.CIDR {
		t.Errorf("VPC CIDR: got %s, want %s", got, truth.VPC.CIDR)
	}
	var v6 []string
	for _, a := range v.Ipv6CidrBlockAssociationSet {
		v6 = append(v6, canonicalPrefix(aws.ToString(a.Ipv6CidrBlock)))
	}
	if !slices.Contains(v6, truth.VPC.IPv6CIDR) {
		t.Errorf("VPC IPv6 blocks: got %v, want %s among them", v6, truth.VPC.IPv6CIDR)
	}

	subnets, err := c.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{
		Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{truth.VPC.ID}}},
	})
	if err != nil {
		t.Fatalf("describe subnets: %v", err)
	}
	var got, want []string
	for _, s := range subnets.Subnets {
		got = append(got, aws.ToString(s.SubnetId)+" "+aws.ToString(s.CidrBlock))
	}
	for _, s := range truth.Subnets {
		want = append(want, s.ID+" "+s.CIDR)
	}
	slices.Sort(got)
	slices.Sort(want)
	if !reflect.DeepEqual(got, want) {
		t.Errorf("subnets: got %v, want %v", got, want)
	}
}

// canonicalPrefix rewrites a prefix canonically; moto keeps leading zeros.
func canonicalPrefix(s string) string {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return s
	}
	return p.Masked().String()
}

func checkInstances(
	ctx context.Context,
	t *testing.T,
	c *ec2.Client,
	truth *Truth,
) {
	out, err := c.DescribeInstances(ctx, &ec2.DescribeInstancesInput{
		Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{truth.VPC.ID}}},
	})
	if err != nil {
		t.Fatalf("describe instances: %v", err)
	}
	got := map[string]types.Instance{}
	for _, r := range out.Reservations {
		for _, inst := range r.Instances {
			got[aws.ToString(inst.InstanceId)] = inst
		}
	}
	if len(got) != len(truth.Instances) {
		t.Errorf("instances in the VPC: got %d, want %d", len(got), len(truth.Instances))
	}
	for _, want := range truth.Instances {
		inst, ok := got[want.ID]
		if !ok {
			t.Errorf("instance %s (%s) not found", want.ID, want.Name)
			continue
		}
		if problem := instanceDiff(inst, want); problem != "" {
			t.Errorf("instance %s (%s): %s", want.ID, want.Name, problem)
		}
	}
}

// instanceDiff returns how an instance differs from the truth, or "".
func instanceDiff(inst types.Instance, want Instance) string {
	name := ""
	for _, tag := range inst.Tags {
		if aws.ToString(tag.Key) == "Name" {
			name = aws.ToString(tag.Value)
		}
	}
	ifaces := interfacesFrom(inst.NetworkInterfaces)
	switch {
	case name != want.Name:
		return "name " + name
	case aws.ToString(inst.PrivateIpAddress) != want.PrivateIP:
		return "private address " + aws.ToString(inst.PrivateIpAddress)
	case inst.State == nil || string(inst.State.Name) != want.State:
		return "state differs"
	case aws.ToString(inst.PublicIpAddress) != want.ElasticIP && want.ElasticIP != "":
		return "public address " + aws.ToString(inst.PublicIpAddress)
	case !reflect.DeepEqual(ifaces, want.Interfaces):
		return "interfaces differ"
	case want.Role == RoleApp && len(ifaces) != 2:
		return "want two interfaces"
	case want.Role == RoleIPv6 && ifaces[0].IPv6 == "":
		return "no IPv6 address"
	case want.Role == RoleDB && want.State != "stopped":
		return "database is not stopped"
	}
	return ""
}

func checkFlowLogs(
	ctx context.Context,
	t *testing.T,
	c *ec2.Client,
	truth *Truth,
) {
	for _, g := range truth.Groups {
		out, err := c.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{
			Filter: []types.Filter{{Name: aws.String("log-group-name"),
				Values: []string{g.Name}}},
		})
		if err != nil || len(out.FlowLogs) != 1 {
			t.Errorf("flow logs of %s: %v (%d found, want 1)", g.Name, err, len(out.FlowLogs))
			continue
		}
		fl := out.FlowLogs[0]
		if got := aws.ToString(fl.LogFormat); got != g.Format {
			t.Errorf("%s format: got %q, want %q", g.Name, got, g.Format)
		}
		if got := aws.ToString(fl.ResourceId); got != truth.VPC.ID {
			t.Errorf("%s resource: got %s, want %s", g.Name, got, truth.VPC.ID)
		}
	}
	if got := truth.CustomGroup().Fields; !reflect.DeepEqual(got, fieldsOf(CustomFormat)) {
		t.Errorf("custom fields: got %v, want %v", got, fieldsOf(CustomFormat))
	}
}

func checkStreams(
	ctx context.Context,
	t *testing.T,
	c *cloudwatchlogs.Client,
	truth *Truth,
) {
	for _, g := range truth.Groups {
		var got []string
		pages := cloudwatchlogs.NewDescribeLogStreamsPaginator(c,
			&cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String(g.Name)})
		for pages.HasMorePages() {
			page, err := pages.NextPage(ctx)
			if err != nil {
				t.Fatalf("describe streams of %s: %v", g.Name, err)
			}
			for _, s := range page.LogStreams {
				got = append(got, aws.ToString(s.LogStreamName))
			}
		}
		want := slices.Clone(g.Streams)
		slices.Sort(got)
		slices.Sort(want)
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s streams: got %v, want %v", g.Name, got, want)
		}
	}
}

// filterAll returns every event FilterLogEvents finds, page after page.
func filterAll(ctx context.Context, t *testing.T, c *cloudwatchlogs.Client,
	in *cloudwatchlogs.FilterLogEventsInput) []event {
	t.Helper()
	var out []event
	pages := cloudwatchlogs.NewFilterLogEventsPaginator(c, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			t.Fatalf("filter events of %s: %v", aws.ToString(in.LogGroupName), err)
		}
		for _, e := range page.Events {
			out = append(out, event{timestamp: aws.ToInt64(e.Timestamp),
				message: aws.ToString(e.Message)})
		}
	}
	return out
}

func checkEventCounts(
	ctx context.Context,
	t *testing.T,
	c *cloudwatchlogs.Client,
	truth *Truth,
) {
	for _, g := range truth.Groups {
		all := filterAll(ctx, t, c, &cloudwatchlogs.FilterLogEventsInput{
			LogGroupName: aws.String(g.Name),
		})
		if len(all) != g.Lines {
			t.Errorf("%s: got %d events, want %d", g.Name, len(all), g.Lines)
		}
		from, _ := dayBounds(truth.Now, 0)
		lastDay := filterAll(ctx, t, c, &cloudwatchlogs.FilterLogEventsInput{
			LogGroupName: aws.String(g.Name),
			StartTime:    aws.Int64(from * 1000),
			EndTime:      aws.Int64(truth.Now.UnixMilli()),
		})
		if got, want := len(lastDay), g.Days[0].Lines; got != want {
			t.Errorf("%s over the last day: got %d events, want %d", g.Name, got, want)
		}
	}
}

// checkQueries reads the events of some query addresses back through a
// quoted filter pattern, which narrows what comes back but may return more
// (moto matches substrings), re-parses them and compares with the truth.
func checkQueries(
	ctx context.Context,
	t *testing.T,
	c *cloudwatchlogs.Client,
	truth *Truth,
) {
	ips := []string{truth.Demo.BusyPrivateIP, truth.Demo.IPv6, truth.Demo.BusyPeer}
	for _, g := range truth.Groups {
		for _, ip := range ips {
			q, _ := truth.Query(ip)
			events := filterAll(ctx, t, c, &cloudwatchlogs.FilterLogEventsInput{
				LogGroupName:  aws.String(g.Name),
				FilterPattern: aws.String(`"` + ip + `"`),
			})
			for _, days := range []int{1, truth.Days} {
				from, _ := dayBounds(truth.Now, days-1)
				want := q.Lookback(g.Name, days)
				got := expectStats(g.Fields, events, q.RecordIP, from, truth.Now.Unix())
				if !reflect.DeepEqual(got, want) {
					t.Errorf("%s: %s over %d days:\nread back %s\ntruth     %s",
						g.Name, ip, days, brief(got), brief(want))
				}
			}
		}
	}
}
