package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// tileFlowFormat is the tiles log group's custom format: it carries the
// packet-level addresses, so a NAT gateway's records name the instance.
const tileFlowFormat = "${version} ${account-id} ${interface-id} ${srcaddr} " +
	"${dstaddr} ${pkt-srcaddr} ${pkt-dstaddr} ${srcport} ${dstport} " +
	"${protocol} ${packets} ${bytes} ${start} ${end} ${action} ${log-status}"

// FlowTotals are the flow tile's numbers for one period.
type FlowTotals struct {
	IngressAllowed int `json:"ingress_allowed"`
	IngressBlocked int `json:"ingress_blocked"`
	EgressAllowed  int `json:"egress_allowed"`
	EgressBlocked  int `json:"egress_blocked"`
}

// tilePeriods are the flow tile's periods and their lengths.
var tilePeriods = map[string]time.Duration{
	"last_24_hours": 24 * time.Hour,
	"last_7_days":   7 * 24 * time.Hour,
	"last_30_days":  30 * 24 * time.Hour,
}

// tileFlowAges are the ages of the batches of records, each far from
// every period's edge. CloudWatch Logs takes no event older than 14 days.
var tileFlowAges = []time.Duration{2 * time.Hour, 20 * time.Hour,
	3 * 24 * time.Hour, 6 * 24 * time.Hour, 10 * 24 * time.Hour, 13 * 24 * time.Hour}

// writeTileFlows creates the log group and its flow log, and writes one
// batch of records at each age.
func writeTileFlows(ctx context.Context, cfg aws.Config, o TileOptions, t *TileTruth) error {
	t.LogGroup = o.Prefix + "tiles-flow-logs"
	if err := createTileFlowLog(ctx, cfg, t); err != nil {
		return err
	}
	logs := cloudwatchlogs.NewFromConfig(cfg)
	stream := "eni-0tiles0000000001-all"
	if _, err := logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{
		LogGroupName: aws.String(t.LogGroup), LogStreamName: aws.String(stream),
	}); err != nil {
		return fmt.Errorf("create log stream: %w", err)
	}
	t.Flows = map[string]FlowTotals{}
	for i := len(tileFlowAges) - 1; i >= 0; i-- {
		at := t.Now.Add(-tileFlowAges[i])
		lines, totals := tileBatch(t.AccountID, i)
		events := make([]event, len(lines))
		for j, l := range lines {
			events[j] = event{timestamp: at.Add(time.Duration(j) * time.Second).UnixMilli(),
				message: fmt.Sprintf(l, at.Unix()-60, at.Unix())}
		}
		if err := writeStream(ctx, logs, t.LogGroup, stream, events); err != nil {
			return err
		}
		for name, length := range tilePeriods {
			if tileFlowAges[i] < length {
				t.Flows[name] = t.Flows[name].add(totals)
			}
		}
	}
	return nil
}

// add sums two totals.
func (f FlowTotals) add(o FlowTotals) FlowTotals {
	return FlowTotals{f.IngressAllowed + o.IngressAllowed, f.IngressBlocked + o.IngressBlocked,
		f.EgressAllowed + o.EgressAllowed, f.EgressBlocked + o.EgressBlocked}
}

// createTileFlowLog creates the log group and a flow log of the VPC
// delivering to it in tileFlowFormat.
func createTileFlowLog(ctx context.Context, cfg aws.Config, t *TileTruth) error {
	logs := cloudwatchlogs.NewFromConfig(cfg)
	if _, err := logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{
		LogGroupName: aws.String(t.LogGroup)}); err != nil {
		return fmt.Errorf("create log group %s: %w", t.LogGroup, err)
	}
	_, err := ec2.NewFromConfig(cfg).CreateFlowLogs(ctx, &ec2.CreateFlowLogsInput{
		ResourceIds: []string{t.vpcID}, ResourceType: types.FlowLogsResourceTypeVpc,
		TrafficType:        types.TrafficTypeAll,
		LogDestinationType: types.LogDestinationTypeCloudWatchLogs,
		LogGroupName:       aws.String(t.LogGroup), LogFormat: aws.String(tileFlowFormat),
		DeliverLogsPermissionArn: aws.String("arn:aws:iam::" + t.AccountID +
			":role/flow-logs-delivery"),
	})
	if err != nil {
		return fmt.Errorf("create flow log for %s: %w", t.LogGroup, err)
	}
	return nil
}

// Record templates of tileBatch; %%d are start and end. The fields after
// the interface id are srcaddr, dstaddr, pkt-srcaddr, pkt-dstaddr.
const (
	// An internet client reaches a web server, by its public IP in the
	// packet-level destination.
	tplIngress = "5 %s eni-0tiles0000000001 198.51.100.%d 10.20.1.10 " +
		"198.51.100.%[2]d 54.80.1.10 40000 443 6 10 1200 %%d %%d %s OK"
	// A scan of the default VPC's range.
	tplIngressDefault = "5 %s eni-0tiles0000000001 203.0.113.%d 172.31.5.5 " +
		"- - 50000 22 6 1 60 %%d %%d %s OK"
	// An instance goes out through the NAT gateway at 10.20.1.200.
	tplEgress = "5 %s eni-0tiles0000000001 10.20.1.200 203.0.113.%d " +
		"10.20.2.7 203.0.113.%[2]d 41000 443 6 8 900 %%d %%d %s OK"
	tplInternal = "5 %s eni-0tiles0000000001 10.20.1.10 10.20.2.%d " +
		"- - 41000 5432 6 4 400 %%d %%d %s OK"
	tplExternal = "5 %s eni-0tiles0000000001 198.51.100.%d 203.0.113.9 " +
		"- - 1 2 17 1 80 %%d %%d %s OK"
	tplNoData   = "5 %s eni-0tiles0000000001 - - - - - - - - - %%d %%d - NODATA"
	tplSkipData = "5 %s eni-0tiles0000000001 - - - - - - - - - %%d %%d - SKIPDATA"
)

// tileBatch returns the record lines of the k-th batch and its totals:
// ingress and egress in both actions, plus internal, external, NODATA and
// SKIPDATA records that no ring counts.
func tileBatch(account string, k int) ([]string, FlowTotals) {
	f := FlowTotals{IngressAllowed: k + 3, IngressBlocked: k + 1,
		EgressAllowed: k + 2, EgressBlocked: k%3 + 1}
	var lines []string
	add := func(n int, tpl, action string) {
		for i := range n {
			lines = append(lines, fmt.Sprintf(tpl, account, i+1, action))
		}
	}
	add(f.IngressAllowed-1, tplIngress, "ACCEPT")
	add(1, tplIngressDefault, "ACCEPT")
	add(f.IngressBlocked, tplIngressDefault, "REJECT")
	add(f.EgressAllowed, tplEgress, "ACCEPT")
	add(f.EgressBlocked, tplEgress, "REJECT")
	add(2, tplInternal, "ACCEPT")
	add(1, tplInternal, "REJECT")
	add(1, tplExternal, "ACCEPT")
	lines = append(lines, fmt.Sprintf(tplNoData, account),
		fmt.Sprintf(tplSkipData, account))
	return lines, f
}
