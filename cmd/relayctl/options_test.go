package main

import (
	"io"
	"slices"
	"strings"
	"testing"
)

func TestParseOptions(t *testing.T) {
	env := map[string]string{"SECUREX_CLIENT_SECRET": "from-env"}
	getenv := func(k string) string { return env[k] }
	deploy := []string{"-r", "eu-west-1", "-p", "relay-1", "-x", "eu", "-i", "c1"}
	tests := []struct {
		name    string
		command string
		args    []string
		wantErr string
		check   func(*testing.T, options)
	}{
		{name: "deploy", command: "deploy", args: deploy,
			check: func(t *testing.T, o options) {
				if o.securexURL != "https://visibility.eu.amp.cisco.com" ||
					o.clientSecret.Reveal() != "from-env" || o.memory != 256 ||
					o.timeout != 29 || o.stage() != "prod" {
					t.Errorf("options = %+v", o)
				}
			}},
		{name: "secret flag wins", command: "deploy",
			args: append([]string{"-s", "from-flag"}, deploy...),
			check: func(t *testing.T, o options) {
				if o.clientSecret.Reveal() != "from-flag" {
					t.Error("the -s value was not used")
				}
			}},
		{name: "update needs no SecureX region", command: "update",
			args: []string{"-r", "us-east-1", "-p", "relay-1", "-m", "512"},
			check: func(t *testing.T, o options) {
				if !o.given["m"] || o.given["t"] {
					t.Errorf("given = %v, want only m", o.given)
				}
			}},
		{name: "remove", command: "remove",
			args: []string{"-r", "us-gov-west-1", "-p", "p1"}},
		{name: "region leaving the state folder", command: "remove",
			args:    []string{"-r", "/../../tmp/x", "-p", "p1"},
			wantErr: "not a region name"},
		{name: "region in capitals", command: "remove",
			args: []string{"-r", "US-EAST-1", "-p", "p1"}, wantErr: "-r (AWS region)"},
		{name: "region without number", command: "update",
			args: []string{"-r", "us-east", "-p", "p1"}, wantErr: "-r (AWS region)"},
		{name: "region with a dot", command: "update",
			args: []string{"-r", "us-east-1.x", "-p", "p1"}, wantErr: "-r (AWS region)"},
		{name: "log retention", command: "deploy",
			args:    append([]string{"-log-retention", "31"}, deploy...),
			wantErr: "-log-retention 31"},
		{name: "log retention zero", command: "update",
			args:    []string{"-r", "us-east-1", "-p", "p1", "-log-retention", "0"},
			wantErr: "CloudWatch's periods"},
		{name: "log retention allowed", command: "deploy",
			args: append([]string{"-log-retention", "3653"}, deploy...),
			check: func(t *testing.T, o options) {
				if o.logRetention != 3653 || !o.given["log-retention"] {
					t.Errorf("logRetention = %d", o.logRetention)
				}
			}},
		{name: "no region", command: "deploy", args: deploy[2:],
			wantErr: "-r (AWS region) is required"},
		{name: "underscore in project", command: "update",
			args: []string{"-r", "r", "-p", "AWS_Test_Relay"}, wantErr: "-p (project)"},
		{name: "project too long", command: "update",
			args:    []string{"-r", "r", "-p", "a" + strings.Repeat("b", 32)},
			wantErr: "1 to 31"},
		{name: "project too short", command: "update",
			args: []string{"-r", "r", "-p", "a"}, wantErr: "1 to 31"},
		{name: "memory", command: "deploy", args: append([]string{"-m", "4"},
			deploy...), wantErr: "-m (memory)"},
		{name: "old timeout", command: "deploy", args: append([]string{"-t", "90"},
			deploy...), wantErr: "at most 30 s"},
		{name: "role access", command: "deploy",
			args:    append([]string{"-role-access", "all"}, deploy...),
			wantErr: "-role-access"},
		{name: "SecureX region", command: "deploy",
			args:    []string{"-r", "r", "-p", "p1", "-x", "MARS", "-i", "c"},
			wantErr: "unknown SecureX region"},
		{name: "no client", command: "deploy",
			args:    []string{"-r", "us-east-1", "-p", "p1", "-x", "US"},
			wantErr: "API client"},
		{name: "stray argument", command: "remove",
			args:    []string{"-r", "us-east-1", "-p", "p1", "extra"},
			wantErr: "unexpected"},
		{name: "unknown command", command: "destroy", wantErr: "deploy, update or remove"},
		{name: "role ARN", command: "deploy", args: append([]string{
			"-assume-role", "arn:aws-us-gov:iam::123456789012:role/a/b-*"},
			deploy...)},
		{name: "role ARN any account", command: "update", args: []string{"-r",
			"us-east-1", "-p", "p1", "-assume-role", "arn:aws:iam::*:role/x"}},
		{name: "role ARN Serverless variable", command: "deploy",
			args: append([]string{"-assume-role",
				"arn:${env:AWS_SECRET_ACCESS_KEY}"}, deploy...),
			wantErr: "not an IAM role ARN"},
		{name: "role ARN variable in name", command: "deploy",
			args: append([]string{"-assume-role",
				"arn:aws:iam::123456789012:role/${self:x}"}, deploy...),
			wantErr: "not an IAM role ARN"},
		{name: "role ARN short account", command: "deploy",
			args: append([]string{"-assume-role",
				"arn:aws:iam::1234:role/x"}, deploy...),
			wantErr: "not an IAM role ARN"},
		{name: "user ARN", command: "deploy", args: append([]string{
			"-assume-role", "arn:aws:iam::123456789012:user/x"}, deploy...),
			wantErr: "not an IAM role ARN"},
		{name: "role ARN with a newline", command: "deploy",
			args: append([]string{"-assume-role",
				"arn:aws:iam::123456789012:role/x\n"}, deploy...),
			wantErr: `"arn:aws:iam::123456789012:role/x\n"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseOptions(tt.command, tt.args, getenv, io.Discard)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one with %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("parseOptions: %v", err)
			}
			if tt.check != nil {
				tt.check(t, o)
			}
		})
	}
}

func TestRelayURLFlag(t *testing.T) {
	base := []string{"-r", "us-east-1", "-p", "p1"}
	tests := []struct{ name, url, wantErr string }{
		{name: "https", url: "https://abc.execute-api.example.com/prod"},
		{name: "https with port", url: "https://relay.example:8443"},
		{name: "http localhost", url: "http://localhost:4566/restapis/x"},
		{name: "http loopback", url: "http://127.0.0.1:9"},
		{name: "http invalid host", url: "http://relay.invalid"},
		{name: "ftp", url: "ftp://x", wantErr: "must be an https URL"},
		{name: "http elsewhere", url: "http://relay.example.com",
			wantErr: "must be an https URL"},
		{name: "no host", url: "https:///path", wantErr: "no host"},
		{name: "no scheme", url: "relay.example.com",
			wantErr: "must be an https URL"},
		{name: "user info", url: "https://u:p@relay.example",
			wantErr: "user name"},
		{name: "query", url: "https://relay.example/?a=1",
			wantErr: "no query or fragment"},
		{name: "empty query", url: "https://relay.example/?",
			wantErr: "no query or fragment"},
		{name: "fragment", url: "https://relay.example/#x",
			wantErr: "no query or fragment"},
		{name: "escape code", url: "https://relay.example/\x1b]0;x\a",
			wantErr: `"https://relay.example/\x1b]0;x\a" must hold printable`},
		{name: "non-ASCII", url: "https://r\u00e9lay.example",
			wantErr: "printable ASCII"},
		{name: "space", url: "https://relay.example/a b",
			wantErr: "printable ASCII"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append([]string{"-url", tt.url}, base...)
			o, err := parseOptions("update", args,
				func(string) string { return "" }, io.Discard)
			if tt.wantErr == "" {
				if err != nil || o.relayURL != tt.url {
					t.Fatalf("parseOptions = %q, %v; want %q accepted",
						o.relayURL, err, tt.url)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("error = %v, want one with %q", err, tt.wantErr)
			}
			if strings.ContainsAny(err.Error(), "\x1b\a") {
				t.Errorf("error %q holds a control character", err)
			}
		})
	}
}

func TestServerlessArgs(t *testing.T) {
	o := options{project: "p1", region: "eu-west-1", memory: 512, timeout: 20,
		roleAccess: "read", logRetention: 14, dist: "d"}
	got := serverlessArgs(o, "deploy")
	want := []string{"deploy", "--stage", "prod", "--region", "eu-west-1",
		"--param=memory=512", "--param=timeout=20",
		"--param=secretParameter=/p1/relay-secret", "--param=roleAccess=read",
		"--param=logRetention=14", "--param=dist=d"}
	if !slices.Equal(got, want) {
		t.Errorf("serverlessArgs =\n%v\nwant\n%v", got, want)
	}
	o.endpoint = "http://localhost:4566"
	if got := serverlessArgs(o, "remove"); got[2] != "local" {
		t.Errorf("stage with an emulator = %s, want local", got[2])
	}
}

func TestServerlessEnv(t *testing.T) {
	environ := []string{"PATH=/bin", "AWS_ACCESS_KEY_ID=", "AWS_PROFILE=ops",
		"AWS_ENDPOINT_URL=", "RELAY_PROJECT=old", "SECUREX_CLIENT_SECRET=s3cr3t",
		"SECUREX_CLIENT_ID=client-1", "SECUREX_ANYTHING=x"}
	got := serverlessEnv(options{project: "p1"}, environ)
	want := []string{"PATH=/bin", "AWS_PROFILE=ops", "RELAY_PROJECT=p1",
		"SLS_TELEMETRY_DISABLED=1"}
	if !slices.Equal(got, want) {
		t.Errorf("serverlessEnv = %v, want %v", got, want)
	}
}

func TestNewSecret(t *testing.T) {
	seen := map[string]bool{}
	for range 20 {
		s, err := newSecret()
		if err != nil {
			t.Fatalf("newSecret: %v", err)
		}
		v := s.Reveal()
		if len(v) != secretLength || strings.Trim(v, secretAlphabet) != "" {
			t.Fatalf("secret of %d characters outside the alphabet", len(v))
		}
		if seen[v] {
			t.Fatal("newSecret repeated a secret")
		}
		seen[v] = true
	}
}
