package awsacct

import (
	"context"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	apigwv2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/aws-vpc-flow-relay/relay/pkg/tiles"
)

// pageLimits are the page sizes of the tiles' list calls. Each is the
// largest its API accepts, so that as few pages as possible travel; tests
// shrink them to prove every page is followed.
var pageLimits = struct {
	ec2, buckets, restAPIs, httpAPIs int32
}{ec2: 1000, buckets: 10000, restAPIs: 500, httpAPIs: 500}

// liveStates are the instance states the tiles show: every state but
// terminated, whose instances linger in listings for a while.
var liveStates = []string{"pending", "running", "shutting-down", "stopping",
	"stopped"}

// counters maps each summary resource to the call counting it.
var counters = map[tiles.Resource]func(context.Context, *Account) (int, error){
	tiles.Instances:      countInstances,
	tiles.Buckets:        countBuckets,
	tiles.HTTPAPIs:       countHTTPAPIs,
	tiles.RESTAPIs:       countRESTAPIs,
	tiles.VPCs:           countVPCs,
	tiles.Subnets:        countSubnets,
	tiles.SecurityGroups: countSecurityGroups,
}

// Summary counts every resource of the summary tile at once, following
// every page. A count AWS refuses carries its error in Count.Err, so one
// missing permission leaves the other counts standing.
func (a *Account) Summary(ctx context.Context) []tiles.Count {
	out := make([]tiles.Count, len(tiles.Resources))
	var wg sync.WaitGroup
	for i, r := range tiles.Resources {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := counters[r](ctx, a)
			out[i] = tiles.Count{Resource: r, Value: n, Err: err}
		}()
	}
	wg.Wait()
	return out
}

// countInstances counts the instances that are not terminated.
func countInstances(ctx context.Context, a *Account) (int, error) {
	n := 0
	err := a.eachLiveInstance(ctx, func(ec2types.Instance) { n++ })
	return n, err
}

// eachLiveInstance calls fn for every instance that is not terminated.
func (a *Account) eachLiveInstance(ctx context.Context, fn func(ec2types.Instance)) error {
	in := &ec2.DescribeInstancesInput{
		Filters: []ec2types.Filter{{Name: aws.String("instance-state-name"),
			Values: liveStates}},
		MaxResults: aws.Int32(pageLimits.ec2),
	}
	return inventory{a}.eachInstance(ctx, in, fn)
}

// countVPCs counts the VPCs of the region.
func countVPCs(ctx context.Context, a *Account) (int, error) {
	n := 0
	pages := ec2.NewDescribeVpcsPaginator(a.EC2,
		&ec2.DescribeVpcsInput{MaxResults: aws.Int32(pageLimits.ec2)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return 0, classify(err, "ec2:DescribeVpcs")
		}
		n += len(page.Vpcs)
	}
	return n, nil
}

// countSubnets counts the subnets of the region.
func countSubnets(ctx context.Context, a *Account) (int, error) {
	n := 0
	pages := ec2.NewDescribeSubnetsPaginator(a.EC2,
		&ec2.DescribeSubnetsInput{MaxResults: aws.Int32(pageLimits.ec2)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return 0, classify(err, "ec2:DescribeSubnets")
		}
		n += len(page.Subnets)
	}
	return n, nil
}

// countSecurityGroups counts the security groups of the region.
func countSecurityGroups(ctx context.Context, a *Account) (int, error) {
	n := 0
	pages := ec2.NewDescribeSecurityGroupsPaginator(a.EC2,
		&ec2.DescribeSecurityGroupsInput{MaxResults: aws.Int32(pageLimits.ec2)})
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return 0, classify(err, "ec2:DescribeSecurityGroups")
		}
		n += len(page.SecurityGroups)
	}
	return n, nil
}

// countBuckets counts the account's S3 buckets. ListBuckets lists the
// buckets of every region; S3 is counted account-wide, as its console
// shows it.
func countBuckets(ctx context.Context, a *Account) (int, error) {
	n := 0
	pages := s3.NewListBucketsPaginator(a.S3, &s3.ListBucketsInput{},
		func(o *s3.ListBucketsPaginatorOptions) { o.Limit = pageLimits.buckets })
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return 0, classify(err, "s3:ListBuckets")
		}
		n += len(page.Buckets)
	}
	return n, nil
}

// countRESTAPIs counts the API Gateway REST APIs of the region.
func countRESTAPIs(ctx context.Context, a *Account) (int, error) {
	n := 0
	pages := apigateway.NewGetRestApisPaginator(a.APIGateway,
		&apigateway.GetRestApisInput{},
		func(o *apigateway.GetRestApisPaginatorOptions) { o.Limit = pageLimits.restAPIs })
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return 0, classify(err, "apigateway:GetRestApis")
		}
		n += len(page.Items)
	}
	return n, nil
}

// countHTTPAPIs counts the API Gateway v2 APIs of the region whose
// protocol is HTTP (WebSocket APIs are not counted), following NextToken.
func countHTTPAPIs(ctx context.Context, a *Account) (int, error) {
	n := 0
	in := &apigatewayv2.GetApisInput{
		MaxResults: aws.String(strconv.Itoa(int(pageLimits.httpAPIs)))}
	for {
		page, err := a.APIGatewayV2.GetApis(ctx, in)
		if err != nil {
			return 0, classify(err, "apigateway:GetApis")
		}
		for _, api := range page.Items {
			if api.ProtocolType == apigwv2types.ProtocolTypeHttp {
				n++
			}
		}
		if aws.ToString(page.NextToken) == "" {
			return n, nil
		}
		in.NextToken = page.NextToken
	}
}

// Instances lists the instances that are not terminated, for the EC2
// details tile, following every page.
func (a *Account) Instances(ctx context.Context) ([]tiles.Instance, error) {
	var out []tiles.Instance
	err := a.eachLiveInstance(ctx, func(i ec2types.Instance) {
		in := tiles.Instance{ID: aws.ToString(i.InstanceId),
			Name: tag(i.Tags, "Name"), Type: string(i.InstanceType),
			PrivateIP: aws.ToString(i.PrivateIpAddress)}
		if i.State != nil {
			in.State = string(i.State.Name)
		}
		out = append(out, in)
	})
	return out, err
}
