package boot

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/aws-vpc-flow-relay/relay/localstack/emutest"
)

// testSecret is stored in the emulator; no error may show it.
const testSecret = "Zq8secretValueThatMustNotLeak0123456789abcdefghijklmnopqrstuv"

// emulatorSSM returns an SSM client and the configuration of the
// emulator at AWS_ENDPOINT_URL, or skips the test when none answers.
func emulatorSSM(t *testing.T) (*ssm.Client, aws.Config) {
	t.Helper()
	cfg := emutest.Config(t)
	return ssm.NewFromConfig(cfg), cfg
}

// put stores a parameter under a name unique to this run.
func put(t *testing.T, client *ssm.Client, suffix string,
	kind ssmtypes.ParameterType, value string) string {
	t.Helper()
	name := fmt.Sprintf("/boot-test-%d/%s", time.Now().UnixNano(), suffix)
	_, err := client.PutParameter(context.Background(), &ssm.PutParameterInput{
		Name: aws.String(name), Type: kind, Value: aws.String(value),
	})
	if err != nil {
		t.Fatalf("put parameter %s: %v", name, err)
	}
	t.Cleanup(func() {
		_, _ = client.DeleteParameter(context.Background(),
			&ssm.DeleteParameterInput{Name: aws.String(name)})
	})
	return name
}

func TestReadSecret(t *testing.T) {
	client, cfg := emulatorSSM(t)
	secure := put(t, client, "secret", ssmtypes.ParameterTypeSecureString,
		testSecret)
	plain := put(t, client, "plain", ssmtypes.ParameterTypeString, testSecret)
	tests := []struct {
		name    string
		param   string
		want    string
		wantErr string
	}{
		{name: "secure string", param: secure, want: testSecret},
		{name: "plain string refused", param: plain, wantErr: "not a SecureString"},
		{name: "missing", param: secure + "-gone", wantErr: "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadSecret(context.Background(), NewParameterStore(cfg),
				tt.param)
			if tt.wantErr == "" {
				if err != nil || got != tt.want {
					t.Fatalf("ReadSecret = %d characters, %v; want the stored "+
						"secret", len(got), err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) ||
				!strings.Contains(err.Error(), tt.param) {
				t.Fatalf("ReadSecret error = %v, want one naming %s and "+
					"saying %q", err, tt.param, tt.wantErr)
			}
			if strings.Contains(err.Error(), testSecret) {
				t.Errorf("error shows the secret")
			}
		})
	}
}

func TestResolveSecret(t *testing.T) {
	client, _ := emulatorSSM(t)
	name := put(t, client, "resolve", ssmtypes.ParameterTypeSecureString,
		testSecret)
	t.Setenv("AWS_REGION", "us-east-1")
	tests := []struct {
		name    string
		env     Env
		want    string
		wantErr bool
	}{
		{name: "from parameter", env: Env{SecretParameter: name}, want: testSecret},
		{name: "local secret kept", env: Env{Secret: "local"}, want: "local"},
		{name: "both refused", env: Env{Secret: "local", SecretParameter: name},
			wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ResolveSecret(context.Background(), tt.env)
			if (err != nil) != tt.wantErr {
				t.Fatalf("ResolveSecret error = %v, want error %t", err, tt.wantErr)
			}
			if got.Secret != tt.want {
				t.Errorf("ResolveSecret secret of %d characters, want %d",
					len(got.Secret), len(tt.want))
			}
		})
	}
}

// BenchmarkResolveSecret measures what the Parameter Store read adds to a
// cold start: loading the AWS configuration and one GetParameter call.
func BenchmarkResolveSecret(b *testing.B) {
	endpoint := os.Getenv("AWS_ENDPOINT_URL")
	if endpoint == "" {
		b.Skip("set AWS_ENDPOINT_URL to an emulator")
	}
	cfg, err := config.LoadDefaultConfig(context.Background(),
		config.WithRegion("us-east-1"))
	if err != nil {
		b.Fatalf("load AWS configuration: %v", err)
	}
	client := ssm.NewFromConfig(cfg)
	name := fmt.Sprintf("/boot-bench-%d/secret", time.Now().UnixNano())
	if _, err := client.PutParameter(context.Background(), &ssm.PutParameterInput{
		Name: aws.String(name), Type: ssmtypes.ParameterTypeSecureString,
		Value: aws.String(testSecret)}); err != nil {
		b.Skipf("no emulator at %s: %v", endpoint, err)
	}
	defer client.DeleteParameter(context.Background(),
		&ssm.DeleteParameterInput{Name: aws.String(name)})
	for b.Loop() {
		if _, err := ResolveSecret(context.Background(),
			Env{SecretParameter: name}); err != nil {
			b.Fatal(err)
		}
	}
}
