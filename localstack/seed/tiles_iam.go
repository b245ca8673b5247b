package seed

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	apigwv2types "github.com/aws/aws-sdk-go-v2/service/apigatewayv2/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// IAMTruth describes the IAM users Tiles created. No user ever signed in
// to the console, and the emulator cannot backdate anything, so the
// 180-day rules are checked by moving the relay's clock: at
// Created+180 days+1 second every password and key is old, and a key
// counts as used since then exactly when Tiles used it, because every use
// came at least two seconds after Created.
type IAMTruth struct {
	// ConsoleUsers have a console password; ConsoleWithoutMFA of them
	// have no MFA device.
	ConsoleUsers      int `json:"console_users"`
	ConsoleWithoutMFA int `json:"console_without_mfa"`
	// APIUsers have an active access key and no password;
	// APIUsersAllKeysUsed of them had every active key used.
	APIUsers            int `json:"api_users"`
	APIUsersAllKeysUsed int `json:"api_users_all_keys_used"`
	// Created is the last second a user, password or key was created;
	// Used is the first second a key was used.
	Created time.Time `json:"created"`
	Used    time.Time `json:"used"`
}

// tileUser is one user to create.
type tileUser struct {
	name     string
	password bool
	mfa      bool
	// keys lists the user's access keys: true for one Tiles uses.
	keys []bool
	// inactive deactivates the user's keys.
	inactive bool
}

// tileUsers are the users: console users with and without MFA (one also
// holding a used key), API-only users with used, unused and partly used
// keys, a user whose only key is inactive, and one with neither.
var tileUsers = []tileUser{
	{name: "console-1", password: true, mfa: true},
	{name: "console-2", password: true, mfa: true},
	{name: "console-3", password: true, keys: []bool{true}},
	{name: "console-4", password: true},
	{name: "console-5", password: true},
	{name: "api-1", keys: []bool{true}},
	{name: "api-2", keys: []bool{true}},
	{name: "api-3", keys: []bool{true}},
	{name: "api-4", keys: []bool{true, false}},
	{name: "api-5", keys: []bool{false}},
	{name: "api-6", keys: []bool{false}},
	{name: "retired-1", keys: []bool{true}, inactive: true},
	{name: "nobody-1"},
}

// createTileUsers creates the users, waits two seconds and uses the keys
// meant to be used.
func createTileUsers(ctx context.Context, cfg aws.Config, o TileOptions, t *TileTruth) error {
	c := iam.NewFromConfig(cfg)
	var toUse []iamKey
	for _, u := range tileUsers {
		keys, err := createUser(ctx, c, o.Prefix, u)
		if err != nil {
			return fmt.Errorf("create user %s: %w", u.name, err)
		}
		toUse = append(toUse, keys...)
		t.IAM.count(u)
	}
	t.IAM.Created = time.Now().UTC().Truncate(time.Second)
	time.Sleep(time.Until(t.IAM.Created.Add(2 * time.Second)))
	t.IAM.Used = time.Now().UTC().Truncate(time.Second)
	for _, k := range toUse {
		use := cfg.Copy()
		use.Credentials = credentials.NewStaticCredentialsProvider(k.id, k.secret, "")
		if _, err := sts.NewFromConfig(use).GetCallerIdentity(ctx, nil); err != nil {
			return fmt.Errorf("use access key of %s: %w", k.user, err)
		}
	}
	return nil
}

// count adds u to the truth.
func (t *IAMTruth) count(u tileUser) {
	switch {
	case u.password:
		t.ConsoleUsers++
		if !u.mfa {
			t.ConsoleWithoutMFA++
		}
	case len(u.keys) > 0 && !u.inactive:
		t.APIUsers++
		all := true
		for _, used := range u.keys {
			all = all && used
		}
		if all {
			t.APIUsersAllKeysUsed++
		}
	}
}

// iamKey is an access key to use.
type iamKey struct {
	user, id, secret string
}

// createUser creates one user with its password, MFA device and keys,
// and returns the keys to use.
func createUser(ctx context.Context, c *iam.Client, prefix string, u tileUser) ([]iamKey, error) {
	name := aws.String(prefix + u.name)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: name}); err != nil &&
		!exists(err, "EntityAlreadyExists") {
		return nil, fmt.Errorf("create: %w", err)
	}
	if u.password {
		if _, err := c.CreateLoginProfile(ctx, &iam.CreateLoginProfileInput{
			UserName: name, Password: aws.String("Seeded-Passw0rd!")}); err != nil &&
			!exists(err, "EntityAlreadyExists") {
			return nil, fmt.Errorf("create login profile: %w", err)
		}
	}
	if u.mfa {
		if err := enableMFA(ctx, c, name); err != nil {
			return nil, err
		}
	}
	var out []iamKey
	created := map[string]bool{}
	for _, use := range u.keys {
		k, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: name})
		if err != nil {
			return nil, fmt.Errorf("create access key: %w", err)
		}
		id := aws.ToString(k.AccessKey.AccessKeyId)
		created[id] = true
		if u.inactive {
			if _, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: name,
				AccessKeyId: aws.String(id), Status: "Inactive"}); err != nil {
				return nil, fmt.Errorf("deactivate access key: %w", err)
			}
		}
		if use {
			out = append(out, iamKey{user: *name, id: id,
				secret: aws.ToString(k.AccessKey.SecretAccessKey)})
		}
	}
	return out, pruneKeys(ctx, c, name, created)
}

// pruneKeys deletes the user's access keys other than those created: a
// create the SDK retried after a lost answer leaves one more key.
func pruneKeys(ctx context.Context, c *iam.Client, name *string, created map[string]bool) error {
	list, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: name})
	if err != nil {
		return fmt.Errorf("list access keys: %w", err)
	}
	for _, k := range list.AccessKeyMetadata {
		if created[aws.ToString(k.AccessKeyId)] {
			continue
		}
		if _, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: name,
			AccessKeyId: k.AccessKeyId}); err != nil {
			return fmt.Errorf("delete extra access key: %w", err)
		}
	}
	return nil
}

// enableMFA gives a user a virtual MFA device.
func enableMFA(ctx context.Context, c *iam.Client, name *string) error {
	dev, err := c.CreateVirtualMFADevice(ctx, &iam.CreateVirtualMFADeviceInput{
		VirtualMFADeviceName: name})
	if err != nil {
		return fmt.Errorf("create MFA device: %w", err)
	}
	if _, err := c.EnableMFADevice(ctx, &iam.EnableMFADeviceInput{UserName: name,
		SerialNumber:        dev.VirtualMFADevice.SerialNumber,
		AuthenticationCode1: aws.String("123456"),
		AuthenticationCode2: aws.String("654321")}); err != nil {
		return fmt.Errorf("enable MFA device: %w", err)
	}
	return nil
}

// createHTTPAPIs creates the HTTP APIs and one WebSocket API.
func createHTTPAPIs(ctx context.Context, c *apigatewayv2.Client, o TileOptions) error {
	for i := range o.HTTPAPIs + 1 {
		in := &apigatewayv2.CreateApiInput{ProtocolType: apigwv2types.ProtocolTypeHttp,
			Name: aws.String(fmt.Sprintf("%shttp-%02d", o.Prefix, i+1))}
		if i == o.HTTPAPIs {
			in.ProtocolType = apigwv2types.ProtocolTypeWebsocket
			in.Name = aws.String(o.Prefix + "websocket")
			in.RouteSelectionExpression = aws.String("$request.body.action")
		}
		if _, err := c.CreateApi(ctx, in); err != nil {
			return fmt.Errorf("create API %s: %w", aws.ToString(in.Name), err)
		}
	}
	return nil
}
