package seed

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
)

// Log group names, after the prefix.
const (
	CustomGroupSuffix  = "vpc-flow-logs-custom"
	DefaultGroupSuffix = "vpc-flow-logs-default"
)

// deliveryTrust lets VPC Flow Logs assume the delivery role.
const deliveryTrust = `{"Version":"2012-10-17","Statement":[{` +
	`"Effect":"Allow","Principal":{"Service":"vpc-flow-logs.amazonaws.com"},` +
	`"Action":"sts:AssumeRole"}]}`

// deliveryPolicy lets the role write flow logs to CloudWatch Logs.
const deliveryPolicy = `{"Version":"2012-10-17","Statement":[{` +
	`"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream",` +
	`"logs:PutLogEvents","logs:DescribeLogGroups","logs:DescribeLogStreams"],` +
	`"Resource":"*"}]}`

// createFlowLogs creates the delivery role, both log groups with a flow
// log each, and one log stream per network interface in each group.
func createFlowLogs(ctx context.Context, c clients, t *Truth) error {
	if err := createDeliveryRole(ctx, c, t); err != nil {
		return fmt.Errorf("create flow log delivery role: %w", err)
	}
	t.Groups = []LogGroup{
		{Name: t.Prefix + CustomGroupSuffix, Kind: FormatCustom,
			Format: CustomFormat, AggregationSeconds: 60},
		{Name: t.Prefix + DefaultGroupSuffix, Kind: FormatDefault,
			AggregationSeconds: 600},
	}
	for i := range t.Groups {
		g := &t.Groups[i]
		if err := createGroup(ctx, c, t, g); err != nil {
			return fmt.Errorf("set up log group %s: %w", g.Name, err)
		}
	}
	return nil
}

// createDeliveryRole creates the IAM role flow logs deliver with.
func createDeliveryRole(ctx context.Context, c clients, t *Truth) error {
	name := t.Prefix + "vpc-flow-logs-delivery"
	role, err := c.iam.CreateRole(ctx, &iam.CreateRoleInput{
		RoleName:                 aws.String(name),
		AssumeRolePolicyDocument: aws.String(deliveryTrust),
		Description:              aws.String("Delivers the seeded VPC flow logs"),
	})
	if err != nil {
		return fmt.Errorf("create role %s: %w", name, err)
	}
	if _, err := c.iam.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
		RoleName:       aws.String(name),
		PolicyName:     aws.String("deliver-flow-logs"),
		PolicyDocument: aws.String(deliveryPolicy),
	}); err != nil {
		return fmt.Errorf("put policy of role %s: %w", name, err)
	}
	t.FlowLogRoleARN = aws.ToString(role.Role.Arn)
	return nil
}

// createGroup creates one log group, its flow log and its streams, and
// records the format as EC2 reports it.
func createGroup(ctx context.Context, c clients, t *Truth, g *LogGroup) error {
	if _, err := c.logs.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{
		LogGroupName: aws.String(g.Name),
	}); err != nil {
		return fmt.Errorf("create log group: %w", err)
	}
	in := &ec2.CreateFlowLogsInput{
		ResourceIds:              []string{t.VPC.ID},
		ResourceType:             types.FlowLogsResourceTypeVpc,
		TrafficType:              types.TrafficTypeAll,
		LogDestinationType:       types.LogDestinationTypeCloudWatchLogs,
		LogGroupName:             aws.String(g.Name),
		DeliverLogsPermissionArn: aws.String(t.FlowLogRoleARN),
		MaxAggregationInterval:   aws.Int32(int32(g.AggregationSeconds)),
		TagSpecifications:        tags(t, types.ResourceTypeVpcFlowLog, g.Kind),
	}
	if g.Format != "" {
		in.LogFormat = aws.String(g.Format)
	}
	out, err := c.ec2.CreateFlowLogs(ctx, in)
	if err != nil {
		return fmt.Errorf("create flow log: %w", err)
	}
	if len(out.Unsuccessful) > 0 || len(out.FlowLogIds) != 1 {
		return fmt.Errorf("create flow log: %d created, %d failed",
			len(out.FlowLogIds), len(out.Unsuccessful))
	}
	g.FlowLogID = out.FlowLogIds[0]
	if err := readFormat(ctx, c, g); err != nil {
		return err
	}
	return createStreams(ctx, c, t, g)
}

// readFormat sets the group's format to the flow log's LogFormat as
// DescribeFlowLogs reports it, which for the default format is AWS's.
func readFormat(ctx context.Context, c clients, g *LogGroup) error {
	out, err := c.ec2.DescribeFlowLogs(ctx, &ec2.DescribeFlowLogsInput{
		FlowLogIds: []string{g.FlowLogID},
	})
	if err != nil {
		return fmt.Errorf("describe flow log %s: %w", g.FlowLogID, err)
	}
	if len(out.FlowLogs) != 1 || aws.ToString(out.FlowLogs[0].LogFormat) == "" {
		return fmt.Errorf("flow log %s reports no format", g.FlowLogID)
	}
	g.Format = aws.ToString(out.FlowLogs[0].LogFormat)
	g.Fields = fieldsOf(g.Format)
	return nil
}

// createStreams creates a stream named <interface id>-all for every
// interface of the VPC, as VPC Flow Logs names them.
func createStreams(ctx context.Context, c clients, t *Truth, g *LogGroup) error {
	ids := []string{t.NATGateway.InterfaceID}
	for _, inst := range t.Instances {
		for _, i := range inst.Interfaces {
			ids = append(ids, i.ID)
		}
	}
	for _, id := range ids {
		name := id + "-all"
		if _, err := c.logs.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{
			LogGroupName: aws.String(g.Name), LogStreamName: aws.String(name),
		}); err != nil {
			return fmt.Errorf("create log stream %s: %w", name, err)
		}
		g.Streams = append(g.Streams, name)
	}
	return nil
}
