package seed

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// NewAccountID returns a random 12-digit account id that does not start
// with 0, for an emulator account no other test touches.
func NewAccountID() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(9e11))
	if err != nil {
		return "", fmt.Errorf("draw an account id: %w", err)
	}
	return fmt.Sprintf("%012d", n.Int64()+1e11), nil
}

// AssumeAccount returns a copy of cfg whose credentials are those of the
// role roleName in account accountID, and the role's ARN. moto answers
// AssumeRole into any account with credentials of that account, whether
// the role exists or not, which gives each test run an account of its
// own; on real AWS the role must exist and trust the caller.
func AssumeAccount(ctx context.Context, cfg aws.Config, accountID,
	roleName string) (aws.Config, string, error) {
	arn := fmt.Sprintf("arn:aws:iam::%s:role/%s", accountID, roleName)
	out := cfg.Copy()
	out.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(
		sts.NewFromConfig(cfg), arn, func(o *stscreds.AssumeRoleOptions) {
			o.RoleSessionName = "vpc-flow-relay-seed"
		}))
	id, err := sts.NewFromConfig(out).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		return aws.Config{}, "", fmt.Errorf("assume %s: %w", arn, err)
	}
	if got := aws.ToString(id.Account); got != accountID {
		return aws.Config{}, "", fmt.Errorf("assume %s: the credentials are "+
			"of account %s", arn, got)
	}
	return out, arn, nil
}
