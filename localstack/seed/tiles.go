package seed

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// Defaults of TileOptions: more instances and REST APIs than one page of
// their list calls holds at the emulator's and AWS's default page sizes.
const (
	DefaultTileInstances = 64
	DefaultTileRESTAPIs  = 32
	DefaultTileHTTPAPIs  = 3
	DefaultTileBuckets   = 4
)

// TileOptions say what Tiles creates.
type TileOptions struct {
	// Prefix starts every name Tiles gives, as Options.Prefix does.
	Prefix string
	// Counts of each resource; zero means the default.
	Instances, RESTAPIs, HTTPAPIs, Buckets int
}

// TileTruth is what Tiles built, as the dashboard tiles should show it.
type TileTruth struct {
	AccountID string `json:"account_id"`
	Region    string `json:"region"`
	// Now is when the flow records' ages are measured from.
	Now time.Time `json:"now"`
	// Counts holds what the summary tile shows, the emulator's default
	// VPC, subnets and security group included.
	Counts TileCounts `json:"counts"`
	// Instances lists the instances that are not terminated; Terminated
	// the ones that are.
	Instances  []TileInstance `json:"instances"`
	Terminated []string       `json:"terminated"`
	IAM        IAMTruth       `json:"iam"`
	// LogGroup receives the flow records; Flows holds their totals for
	// each period, by the tile period name.
	LogGroup string                `json:"log_group"`
	Flows    map[string]FlowTotals `json:"flows"`

	// vpcID and subnets name the created network, for later steps.
	vpcID   string
	subnets []string
}

// TileCounts are the summary tile's numbers.
type TileCounts struct {
	Instances      int `json:"instances"`
	Buckets        int `json:"buckets"`
	HTTPAPIs       int `json:"http_apis"`
	RESTAPIs       int `json:"rest_apis"`
	VPCs           int `json:"vpcs"`
	Subnets        int `json:"subnets"`
	SecurityGroups int `json:"security_groups"`
}

// TileInstance is one instance as the EC2 details tile shows it.
type TileInstance struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Type      string `json:"type"`
	PrivateIP string `json:"private_ip"`
	State     string `json:"state"`
}

// Tiles creates, in the account cfg's credentials belong to, what the
// dashboard tiles count: a VPC with subnets and security groups, EC2
// instances (a few stopped or terminated, one whose Name holds a "|"),
// REST and HTTP APIs, S3 buckets, IAM users, and a log group with flow
// records of known totals. The account should hold nothing else, apart
// from the emulator's defaults, which are counted into the truth.
func Tiles(ctx context.Context, cfg aws.Config, o TileOptions) (*TileTruth, error) {
	o = o.withDefaults()
	if !prefixPattern.MatchString(o.Prefix) {
		return nil, fmt.Errorf("prefix %q: want at most 24 letters, digits, "+
			"'-', '_' or '.'", o.Prefix)
	}
	if cfg.Region == "" {
		return nil, errors.New("check config: no AWS region")
	}
	c := clientsFor(cfg)
	t := &TileTruth{Region: cfg.Region, Now: time.Now().UTC().Truncate(time.Second)}
	steps := []struct {
		name string
		run  func(context.Context, aws.Config, TileOptions, *TileTruth) error
	}{
		{"count the defaults", countDefaults},
		{"create the network", createTileNetwork},
		{"launch instances", launchTileInstances},
		{"create APIs and buckets", createTileServices},
		{"create IAM users", createTileUsers},
		{"write flow records", writeTileFlows},
	}
	id, err := c.sts.GetCallerIdentity(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("get caller identity: %w", err)
	}
	t.AccountID = aws.ToString(id.Account)
	for _, s := range steps {
		if err := s.run(ctx, cfg, o, t); err != nil {
			return nil, fmt.Errorf("%s for prefix %q: %w", s.name, o.Prefix, err)
		}
	}
	return t, nil
}

// withDefaults fills the zero counts.
func (o TileOptions) withDefaults() TileOptions {
	o.Instances = orDefault(o.Instances, DefaultTileInstances)
	o.RESTAPIs = orDefault(o.RESTAPIs, DefaultTileRESTAPIs)
	o.HTTPAPIs = orDefault(o.HTTPAPIs, DefaultTileHTTPAPIs)
	o.Buckets = orDefault(o.Buckets, DefaultTileBuckets)
	return o
}

// orDefault returns v, or def when v is zero.
func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// createTileServices creates the REST APIs, the HTTP APIs (and one
// WebSocket API, which the HTTP count leaves out) and the buckets.
func createTileServices(ctx context.Context, cfg aws.Config, o TileOptions,
	t *TileTruth) error {
	rest := apigateway.NewFromConfig(cfg)
	for i := range o.RESTAPIs {
		name := fmt.Sprintf("%srest-%02d", o.Prefix, i+1)
		if _, err := rest.CreateRestApi(ctx, &apigateway.CreateRestApiInput{
			Name: aws.String(name)}); err != nil {
			return fmt.Errorf("create REST API %s: %w", name, err)
		}
	}
	if err := dedupeRESTAPIs(ctx, rest); err != nil {
		return err
	}
	t.Counts.RESTAPIs = o.RESTAPIs
	v2 := apigatewayv2.NewFromConfig(cfg)
	if err := createHTTPAPIs(ctx, v2, o); err != nil {
		return err
	}
	if err := dedupeAPIs(ctx, v2); err != nil {
		return err
	}
	t.Counts.HTTPAPIs = o.HTTPAPIs
	s3c := s3.NewFromConfig(cfg, func(so *s3.Options) { so.UsePathStyle = true })
	for i := range o.Buckets {
		// Bucket names are global, so the account id keeps them unique.
		name := fmt.Sprintf("%sbucket-%s-%d", o.Prefix, t.AccountID, i+1)
		if _, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{
			Bucket: aws.String(lower(name))}); err != nil {
			return fmt.Errorf("create bucket %s: %w", name, err)
		}
	}
	t.Counts.Buckets += o.Buckets
	return nil
}
