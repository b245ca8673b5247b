package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/apigatewayv2"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	ssmtypes "github.com/aws/aws-sdk-go-v2/service/ssm/types"

	"github.com/aws-vpc-flow-relay/relay/localstack/emutest"
)

// emulator returns the AWS configuration of the emulator at
// AWS_ENDPOINT_URL, or skips the test when none answers.
func emulator(t *testing.T) aws.Config {
	t.Helper()
	return emutest.Config(t)
}

// uniqueProject is a project name no other test run uses.
func uniqueProject(prefix string) string {
	return fmt.Sprintf("%s-%d", prefix, time.Now().UnixNano()%1e10)
}

// fakeServerless writes a script that records its arguments, one call a
// line, in calls, and returns the script's path.
func fakeServerless(t *testing.T) (script, calls string) {
	t.Helper()
	dir := t.TempDir()
	script = filepath.Join(dir, "serverless")
	calls = filepath.Join(dir, "calls")
	body := "#!/bin/sh\necho \"$RELAY_PROJECT $*\" >> " + calls + "\n"
	if err := os.WriteFile(script, []byte(body), 0o755); err != nil {
		t.Fatalf("write fake serverless: %v", err)
	}
	return script, calls
}

// relayctl runs one command and returns its output.
func relayctl(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), args, &out)
	for _, secret := range []string{standInClientSecret, standInToken} {
		if strings.Contains(out.String(), secret) ||
			(err != nil && strings.Contains(err.Error(), secret)) {
			t.Errorf("relayctl %s printed a secret", args[0])
		}
	}
	return out.String(), err
}

// parameter reads the relay secret back from the emulator.
func parameter(t *testing.T, cfg aws.Config, name string) (string, bool) {
	t.Helper()
	out, err := ssm.NewFromConfig(cfg).GetParameter(context.Background(),
		&ssm.GetParameterInput{Name: aws.String(name), WithDecryption: aws.Bool(true)})
	var missing *ssmtypes.ParameterNotFound
	if errors.As(err, &missing) {
		return "", false
	}
	if err != nil {
		t.Fatalf("get parameter %s: %v", name, err)
	}
	if out.Parameter.Type != ssmtypes.ParameterTypeSecureString {
		t.Errorf("parameter %s is %s, want SecureString", name, out.Parameter.Type)
	}
	return aws.ToString(out.Parameter.Value), true
}

// TestDeployFlow runs deploy, update and remove with a stand-in SecureX,
// the emulator's SSM and API Gateway, and a fake Serverless Framework.
func TestDeployFlow(t *testing.T) {
	cfg := emulator(t)
	t.Chdir("../..")
	sx := startStandIn(t)
	t.Setenv("SECUREX_CLIENT_SECRET", standInClientSecret)
	script, calls := fakeServerless(t)
	project := uniqueProject("flow")
	api, err := apigatewayv2.NewFromConfig(cfg).CreateApi(context.Background(),
		&apigatewayv2.CreateApiInput{Name: aws.String("local-" + project),
			ProtocolType: "HTTP"})
	if err != nil {
		t.Fatalf("create the HTTP API the deploy looks for: %v", err)
	}
	stateDir := t.TempDir()
	common := []string{"-r", "us-east-1", "-p", project, "-i", standInClientID,
		"-securex-url", sx.url, "-serverless", script, "-state", stateDir}

	out, err := relayctl(t, append([]string{"deploy"}, common...)...)
	if err != nil {
		t.Fatalf("deploy: %v\n%s", err, out)
	}
	t.Logf("deploy printed:\n%s", out)
	secret, ok := parameter(t, cfg, "/"+project+"/relay-secret")
	if !ok || len(secret) != secretLength {
		t.Fatalf("the relay secret is not stored (%d characters)", len(secret))
	}
	if strings.Contains(out, secret) {
		t.Error("deploy printed the relay secret")
	}
	checkRegistered(t, sx, "mt-1", aws.ToString(api.ApiEndpoint), secret)
	if got := len(lines(out)); !strings.Contains(out, "[6/6]") {
		t.Errorf("deploy printed %d lines without the sixth step:\n%s", got, out)
	}

	_, err = relayctl(t, append([]string{"deploy"}, common...)...)
	if err == nil || !strings.Contains(err.Error(), "already deployed") {
		t.Errorf("second deploy = %v, want already deployed", err)
	}

	out, err = relayctl(t, append([]string{"update", "-m", "512"}, common...)...)
	if err != nil || sx.count() != 1 || !strings.Contains(out, "Kept") {
		t.Fatalf("update = %v with %d module types, want 1 kept\n%s", err,
			sx.count(), out)
	}
	sx.forget()
	if out, err = relayctl(t, append([]string{"update"}, common...)...); err != nil {
		t.Fatalf("update after SecureX lost the module type: %v\n%s", err, out)
	}
	checkRegistered(t, sx, "mt-2", aws.ToString(api.ApiEndpoint), secret)

	checkRemove(t, cfg, sx, project, append([]string{"remove"}, common...))
	checkCalls(t, calls, project)
}

// checkRemove runs remove and checks that the secret, the module type and
// the state are gone.
func checkRemove(t *testing.T, cfg aws.Config, sx *standIn, project string,
	args []string) {
	t.Helper()
	if out, err := relayctl(t, args...); err != nil {
		t.Fatalf("remove: %v\n%s", err, out)
	}
	if _, ok := parameter(t, cfg, "/"+project+"/relay-secret"); ok {
		t.Error("remove left the relay secret")
	}
	if sx.count() != 0 || len(sx.deleted) != 1 {
		t.Errorf("after remove the stand-in holds %d module types, deleted %v",
			sx.count(), sx.deleted)
	}
	state := args[slices.Index(args, "-state")+1]
	if entries, _ := os.ReadDir(state); len(entries) != 0 {
		t.Errorf("remove left the state: %v", entries)
	}
}

// checkRegistered checks the module type id the stand-in holds.
func checkRegistered(t *testing.T, sx *standIn, id, url, secret string) {
	t.Helper()
	if sx.count() != 1 || sx.property(id, "url") != url ||
		sx.property(id, "configuration-token-key") != secret {
		t.Errorf("module type %s: url %v, key set %t, %d types; want url %s, "+
			"the stored key, one type", id, sx.property(id, "url"),
			sx.property(id, "configuration-token-key") == secret, sx.count(), url)
	}
}

// checkCalls checks what the fake Serverless Framework was asked to do.
func checkCalls(t *testing.T, calls, project string) {
	t.Helper()
	raw, err := os.ReadFile(calls)
	if err != nil {
		t.Fatalf("read serverless calls: %v", err)
	}
	got := lines(string(raw))
	want := []string{
		"deploy --stage local --region us-east-1 --param=memory=256",
		"deploy --stage local --region us-east-1 --param=memory=512",
		"deploy --stage local --region us-east-1 --param=memory=512",
		"remove --stage local --region us-east-1",
	}
	if len(got) != len(want) {
		t.Fatalf("serverless calls:\n%s\nwant %d", raw, len(want))
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], project+" "+w) ||
			!strings.Contains(got[i], "--param=secretParameter=/"+project+
				"/relay-secret") {
			t.Errorf("serverless call %d = %q, want %q and the parameter name",
				i, got[i], w)
		}
	}
}

// TestDeployRecovers checks that a deploy whose registration SecureX
// refuses says what to do, and that update then registers the module.
func TestDeployRecovers(t *testing.T) {
	emulator(t)
	t.Chdir("../..")
	sx := startStandIn(t)
	sx.failCreate = http.StatusForbidden
	t.Setenv("SECUREX_CLIENT_SECRET", standInClientSecret)
	script, _ := fakeServerless(t)
	project := uniqueProject("recover")
	common := []string{"-r", "us-east-1", "-p", project, "-i", standInClientID,
		"-securex-url", sx.url, "-serverless", script, "-state", t.TempDir(),
		"-url", "http://localhost:4566/" + project}

	_, err := relayctl(t, append([]string{"deploy"}, common...)...)
	var next *nextError
	if !errors.As(err, &next) || !strings.Contains(next.next, "task update") ||
		!strings.Contains(next.next, "Integration scope") ||
		!strings.Contains(err.Error(), "403") {
		t.Fatalf("deploy refused by SecureX = %v, want the scope hint and "+
			"advice to update", err)
	}
	sx.failCreate = 0
	if out, err := relayctl(t, append([]string{"update"}, common...)...); err != nil {
		t.Fatalf("update: %v\n%s", err, out)
	}
	if sx.count() != 1 || sx.property("mt-1", "url") != "http://localhost:4566/"+project {
		t.Errorf("after update the stand-in holds %d module types", sx.count())
	}
	if out, err := relayctl(t, append([]string{"remove"}, common...)...); err != nil {
		t.Fatalf("remove: %v\n%s", err, out)
	}
}
