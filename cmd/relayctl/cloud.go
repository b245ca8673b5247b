package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"math/big"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/boot"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// secretLength and secretAlphabet shape the relay secret: 64 random
// letters and digits, as SecureX module types have always used.
const (
	secretLength   = 64
	secretAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
)

// newSecret returns a relay secret drawn from crypto/rand.
func newSecret() (settings.Secret, error) {
	b := make([]byte, secretLength)
	n := big.NewInt(int64(len(secretAlphabet)))
	for i := range b {
		k, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", fmt.Errorf("draw relay secret: %w", err)
		}
		b[i] = secretAlphabet[k.Int64()]
	}
	return settings.Secret(b), nil
}

// cloud is the part of AWS that relayctl calls itself; CloudFormation
// is left to the Serverless Framework.
type cloud struct {
	region string
	cfg    aws.Config
	ssm    *ssm.Client
	apis   *apigatewayv2.Client
}

// newCloud builds the clients for region from the usual AWS
// configuration (environment, profile, instance role).
func newCloud(ctx context.Context, region string) (*cloud, error) {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(region))
	if err != nil {
		return nil, withNext(fmt.Errorf("load AWS configuration: %w", err),
			"configure AWS credentials (aws configure, or AWS_PROFILE)")
	}
	return &cloud{region: region, cfg: cfg, ssm: ssm.NewFromConfig(cfg),
		apis: apigatewayv2.NewFromConfig(cfg)}, nil
}

// storeSecret keeps secret in the SecureString parameter name, encrypted
// with the account's AWS managed key for SSM. It never replaces a stored
// secret: one already there belongs to a deploy whose state is elsewhere.
func (c *cloud) storeSecret(ctx context.Context, name string,
	secret settings.Secret) error {
	_, err := c.ssm.PutParameter(ctx, &ssm.PutParameterInput{
		Name:        aws.String(name),
		Type:        ssmtypes.ParameterTypeSecureString,
		Value:       aws.String(secret.Reveal()),
		Overwrite:   aws.Bool(false),
		Description: aws.String("HS256 key of the relay's configuration tokens"),
	})
	var exists *ssmtypes.ParameterAlreadyExists
	if errors.As(err, &exists) {
		return withNext(fmt.Errorf("the parameter %s already holds a relay "+
			"secret: a deploy of this project exists and its state file is "+
			"missing here", name), "copy the state file from the machine that "+
			"deployed it and run `go tool task update`; or run `go tool task "+
			"remove` (then delete the old module type in SecureX by hand) and "+
			"deploy again")
	}
	if err != nil {
		return withNext(fmt.Errorf("store the relay secret in %s: %w", name, err),
			"check the AWS credentials and that they allow ssm:PutParameter")
	}
	return nil
}

// readSecret reads the relay secret back from Parameter Store.
func (c *cloud) readSecret(ctx context.Context, name string) (settings.Secret, error) {
	return relaySecret(ctx, boot.NewParameterStore(c.cfg), name)
}

// relaySecret reads the relay secret from store. A missing one cannot be
// replaced by an update, since the registered module type holds the old
// one: the advice is to remove and deploy again.
func relaySecret(ctx context.Context, store boot.ParameterReader,
	name string) (settings.Secret, error) {
	spy := &missingSpy{ParameterReader: store}
	v, err := boot.ReadSecret(ctx, spy, name)
	switch {
	case spy.missing:
		return "", withNext(fmt.Errorf("read relay secret: parameter %s "+
			"does not exist: %w", name, boot.ErrParameterNotFound),
			"run `go tool task remove`, then `go tool task deploy` to store "+
				"a new secret and register the module type with it")
	case err != nil:
		return "", withNext(err, "run `go tool task remove` and deploy again")
	}
	return settings.Secret(v), nil
}

// missingSpy notes whether the parameter read was missing.
type missingSpy struct {
	boot.ParameterReader
	missing bool
}

// ReadParameter reads name, noting a missing parameter.
func (s *missingSpy) ReadParameter(ctx context.Context,
	name string) (boot.Parameter, error) {
	p, err := s.ParameterReader.ReadParameter(ctx, name)
	s.missing = errors.Is(err, boot.ErrParameterNotFound)
	return p, err
}

// deleteSecret deletes the parameter; a missing one is not an error.
func (c *cloud) deleteSecret(ctx context.Context, name string) error {
	_, err := c.ssm.DeleteParameter(ctx, &ssm.DeleteParameterInput{
		Name: aws.String(name),
	})
	var missing *ssmtypes.ParameterNotFound
	if err != nil && !errors.As(err, &missing) {
		return withNext(fmt.Errorf("delete parameter %s: %w", name, err),
			"delete it in the Systems Manager console")
	}
	return nil
}

// findURL returns the endpoint of the HTTP API named name, the one the
// Serverless Framework created.
func (c *cloud) findURL(ctx context.Context, name string) (string, error) {
	in := &apigatewayv2.GetApisInput{}
	for {
		out, err := c.apis.GetApis(ctx, in)
		if err != nil {
			return "", fmt.Errorf("list HTTP APIs in %s: %w", c.region, err)
		}
		for _, api := range out.Items {
			if aws.ToString(api.Name) == name && api.ApiEndpoint != nil {
				return aws.ToString(api.ApiEndpoint), nil
			}
		}
		if out.NextToken == nil {
			break
		}
		in.NextToken = out.NextToken
	}
	return "", withNext(fmt.Errorf("no HTTP API named %s in %s", name, c.region),
		"an emulator does not create HTTP APIs: pass -url <relay URL>")
}
