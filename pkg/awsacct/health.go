package awsacct

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Health checks, in the order their failures are reported.
var healthChecks = []struct {
	name  string
	check func(context.Context, *Account, string) error
}{
	{"credentials (sts:GetCallerIdentity)", checkIdentity},
	{"log group exists (logs:DescribeLogGroups)", checkLogGroup},
	{"log group readable (logs:FilterLogEvents)", checkReadable},
	{"EC2 readable (ec2:DescribeInstances)", checkEC2},
}

// Health makes one real call for each thing the relay needs and returns
// nil when all pass. Otherwise the error, of kind failure.HealthCheck,
// names every check that failed and why.
func (a *Account) Health(ctx context.Context, logGroup string) error {
	errs := make([]error, len(healthChecks))
	var wg sync.WaitGroup
	for i, c := range healthChecks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := c.check(ctx, a, logGroup); err != nil {
				errs[i] = fmt.Errorf("%s: %w", c.name, err)
			}
		}()
	}
	wg.Wait()
	var msgs []string
	for i, err := range errs {
		if err != nil {
			msgs = append(msgs, healthChecks[i].name+": "+failure.MessageOf(err))
		}
	}
	if len(msgs) == 0 {
		return nil
	}
	return failure.Wrap(errors.Join(errs...), failure.HealthCheck, "%s",
		strings.Join(msgs, "; "))
}

func checkIdentity(ctx context.Context, a *Account, _ string) error {
	_, err := a.STS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	return classify(err, "sts:GetCallerIdentity")
}

// checkLogGroup finds the group by its exact name among those sharing its
// prefix.
func checkLogGroup(ctx context.Context, a *Account, group string) error {
	in := &cloudwatchlogs.DescribeLogGroupsInput{LogGroupNamePrefix: aws.String(group)}
	pages := cloudwatchlogs.NewDescribeLogGroupsPaginator(a.Logs, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return classify(err, "logs:DescribeLogGroups")
		}
		for _, g := range page.LogGroups {
			if aws.ToString(g.LogGroupName) == group {
				return nil
			}
		}
	}
	return failure.New(failure.NotFound, "log group %s does not exist in %s",
		group, a.Region)
}

// checkReadable reads at most one event of the last hour.
func checkReadable(ctx context.Context, a *Account, group string) error {
	now := time.Now()
	_, err := a.Logs.FilterLogEvents(ctx, &cloudwatchlogs.FilterLogEventsInput{
		LogGroupName: aws.String(group),
		StartTime:    aws.Int64(now.Add(-time.Hour).UnixMilli()),
		EndTime:      aws.Int64(now.UnixMilli()),
		Limit:        aws.Int32(1),
	})
	return classify(err, "logs:FilterLogEvents")
}

func checkEC2(ctx context.Context, a *Account, _ string) error {
	_, err := a.EC2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{
		MaxResults: aws.Int32(5),
	})
	if err != nil {
		return fmt.Errorf("check EC2: %w", classify(err, "ec2:DescribeInstances"))
	}
	return nil
}
