package main

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
)

// TestDeployToEmulator deploys, updates and removes the real stack with
// the Serverless Framework and serverless-localstack against the
// emulator, with the stand-in SecureX. The emulator creates no HTTP API,
// so a stand-in URL for the relay is given; nothing answers there.
func TestDeployToEmulator(t *testing.T) {
	cfg := emulator(t)
	needServerless(t)
	sx := startStandIn(t)
	t.Setenv("SECUREX_CLIENT_SECRET", standInClientSecret)
	project := uniqueProject("emu")
	relayURL := "https://relay.invalid/" + project
	common := []string{"-r", "us-east-1", "-p", project, "-i", standInClientID,
		"-securex-url", sx.url, "-state", t.TempDir(),
		"-dist", placeholderZips(t), "-url", relayURL}

	out, err := relayctl(t, append([]string{"deploy", "-role-access", "respond"},
		common...)...)
	if err != nil {
		t.Fatalf("deploy: %v\n%s", err, out)
	}
	t.Logf("deploy printed:\n%s", out)
	role := project + "-local-us-east-1-lambdaRole"
	got := rolePolicies(t, cfg, role)
	want := []string{project + "-local-lambda", "relay-isolate-instances",
		"relay-read-account"}
	if !slices.Equal(got, want) {
		t.Errorf("role %s has policies %v, want %v", role, got, want)
	}
	t.Logf("role %s holds the inline policies %v", role, got)
	secret, ok := parameter(t, cfg, "/"+project+"/relay-secret")
	if !ok {
		t.Fatal("the relay secret is not in Parameter Store")
	}
	checkRegistered(t, sx, "mt-1", relayURL, secret)

	out, err = relayctl(t, append([]string{"update", "-role-access", "read"},
		common...)...)
	if err != nil {
		t.Fatalf("update: %v\n%s", err, out)
	}
	// moto keeps a resource whose condition turned false on update, so
	// only what must stay is checked: AWS drops relay-isolate-instances.
	got = rolePolicies(t, cfg, role)
	if !slices.Contains(got, "relay-read-account") || sx.count() != 1 {
		t.Errorf("after update: policies %v, want relay-read-account; "+
			"%d module types, want 1", got, sx.count())
	}

	if out, err = relayctl(t, append([]string{"remove"}, common...)...); err != nil {
		t.Fatalf("remove: %v\n%s", err, out)
	}
	if got := rolePolicies(t, cfg, role); got != nil {
		t.Errorf("remove left the role %s with %v", role, got)
	}
	if sx.count() != 0 {
		t.Errorf("remove left %d module types", sx.count())
	}
}

// rolePolicies returns the sorted inline policies of role, nil when the
// role does not exist.
func rolePolicies(t *testing.T, cfg aws.Config, role string) []string {
	t.Helper()
	out, err := iam.NewFromConfig(cfg).ListRolePolicies(context.Background(),
		&iam.ListRolePoliciesInput{RoleName: aws.String(role)})
	var missing *iamtypes.NoSuchEntityException
	if errors.As(err, &missing) {
		return nil
	}
	if err != nil {
		t.Fatalf("list policies of %s: %v", role, err)
	}
	names := out.PolicyNames
	slices.SortFunc(names, strings.Compare)
	return names
}
