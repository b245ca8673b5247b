package awsacct

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/apigateway"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/logging"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// Retry settings: throttled and transient calls are retried with jittered
// exponential backoff, without the client-side retry quota that would
// otherwise fail calls during a burst of throttling.
const (
	maxAttempts = 6
	maxBackoff  = 4 * time.Second
	// maxCached bounds the number of accounts whose clients are kept.
	maxCached = 32
)

// Opener builds Accounts and keeps their clients for reuse. The zero
// value is ready to use.
type Opener struct {
	mu       sync.Mutex
	accounts map[string]*Account
}

// Open returns the Account for s, reusing clients built for the same
// credentials, role and region before.
func (o *Opener) Open(ctx context.Context, s settings.Settings) (*Account, error) {
	key := cacheKey(s)
	o.mu.Lock()
	defer o.mu.Unlock()
	if a, ok := o.accounts[key]; ok {
		return a, nil
	}
	cfg, err := loadConfig(ctx, s)
	if err != nil {
		return nil, err
	}
	a := newAccount(cfg, s)
	if o.accounts == nil || len(o.accounts) >= maxCached {
		o.accounts = map[string]*Account{}
	}
	o.accounts[key] = a
	return a, nil
}

// loadConfig builds the AWS configuration for s.
func loadConfig(ctx context.Context, s settings.Settings) (aws.Config, error) {
	opts := []func(*config.LoadOptions) error{
		config.WithRegion(s.Region),
		config.WithRetryer(newRetryer),
		// The SDK's own log lines would bypass the relay's structured
		// log; failures reach it as errors instead.
		config.WithLogger(logging.Nop{}),
	}
	if s.AccessKey != "" {
		opts = append(opts, config.WithCredentialsProvider(
			credentials.NewStaticCredentialsProvider(s.AccessKey,
				s.SecretKey.Reveal(), s.SessionToken.Reveal())))
	}
	cfg, err := config.LoadDefaultConfig(ctx, opts...)
	if err != nil {
		return aws.Config{}, failure.Wrap(err, failure.Internal,
			"the relay could not load its AWS configuration")
	}
	if s.RoleARN != "" {
		cfg.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(
			sts.NewFromConfig(cfg), s.RoleARN, func(o *stscreds.AssumeRoleOptions) {
				o.RoleSessionName = "aws-vpc-flow-relay"
				if s.ExternalID != "" {
					o.ExternalID = aws.String(s.ExternalID)
				}
			}))
	}
	return cfg, nil
}

// newRetryer returns the retryer every client uses.
func newRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.MaxAttempts = maxAttempts
		o.MaxBackoff = maxBackoff
		o.RateLimiter = ratelimit.None
	})
}

// cacheKey identifies the clients for s without keeping any secret in
// clear: the secret parts are hashed.
func cacheKey(s settings.Settings) string {
	h := sha256.New()
	for _, part := range []string{s.AccessKey, s.SecretKey.Reveal(),
		s.SessionToken.Reveal(), s.Region, s.RoleARN, s.ExternalID} {
		fmt.Fprintf(h, "%d:%s|", len(part), part)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Account holds the clients for one monitored account and region.
type Account struct {
	Region string
	EC2    *ec2.Client
	Logs   *cloudwatchlogs.Client
	STS    *sts.Client
	// The dashboard tiles' clients. S3 uses path-style addressing, which
	// emulators need and AWS accepts for listing buckets.
	S3           *s3.Client
	IAM          *iam.Client
	APIGateway   *apigateway.Client
	APIGatewayV2 *apigatewayv2.Client

	networks cachedNetworks
	formats  cachedFormats
}

// newAccount builds the clients of an account.
func newAccount(cfg aws.Config, s settings.Settings) *Account {
	return &Account{
		Region: s.Region,
		EC2:    ec2.NewFromConfig(cfg),
		Logs:   cloudwatchlogs.NewFromConfig(cfg),
		STS:    sts.NewFromConfig(cfg),
		S3: s3.NewFromConfig(cfg, func(o *s3.Options) {
			o.UsePathStyle = true
		}),
		IAM:          iam.NewFromConfig(cfg),
		APIGateway:   apigateway.NewFromConfig(cfg),
		APIGatewayV2: apigatewayv2.NewFromConfig(cfg),
	}
}
