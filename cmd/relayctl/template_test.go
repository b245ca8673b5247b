package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// template is the part of a CloudFormation template the tests read.
type template struct {
	Conditions map[string]any      `json:"Conditions"`
	Resources  map[string]resource `json:"Resources"`
}

type resource struct {
	Type       string         `json:"Type"`
	Condition  string         `json:"Condition"`
	Properties map[string]any `json:"Properties"`
}

// packageTemplate runs `serverless package` as relayctl would deploy o
// and returns the template it wrote.
func packageTemplate(t *testing.T, o options) template {
	t.Helper()
	dir := t.TempDir()
	args := append(serverlessArgs(o, "package"), "--package", dir)
	cmd := exec.CommandContext(context.Background(), o.serverless, args...)
	cmd.Env = serverlessEnv(o, os.Environ())
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Run(); err != nil {
		t.Fatalf("serverless package: %v\n%s", err, out.String())
	}
	raw, err := os.ReadFile(filepath.Join(dir,
		"cloudformation-template-update-stack.json"))
	if err != nil {
		t.Fatalf("read template: %v", err)
	}
	var tpl template
	if err := json.Unmarshal(raw, &tpl); err != nil {
		t.Fatalf("decode template: %v", err)
	}
	return tpl
}

func TestTemplate(t *testing.T) {
	needServerless(t)
	o := testOptions(t, "deploy", "relay-tpl")
	tpl := packageTemplate(t, o)
	t.Run("routes", func(t *testing.T) { checkRoutes(t, tpl) })
	t.Run("functions", func(t *testing.T) { checkFunctions(t, tpl, o) })
	t.Run("role", func(t *testing.T) { checkRole(t, tpl, o) })
	t.Run("no secret in environment", func(t *testing.T) { checkEnvironment(t, tpl) })
	t.Run("log retention", func(t *testing.T) {
		for name, r := range tpl.Resources {
			if r.Type == "AWS::Logs::LogGroup" &&
				r.Properties["RetentionInDays"] != float64(30) {
				t.Errorf("%s keeps logs %v days, want 30", name,
					r.Properties["RetentionInDays"])
			}
		}
	})
	t.Run("conditions for role access none", func(t *testing.T) {
		checkConditions(t, tpl, map[string]bool{"RoleReads": false,
			"RoleResponds": false, "RoleAssumes": false})
	})
}

func TestTemplateRoleAccess(t *testing.T) {
	needServerless(t)
	tests := []struct {
		access, assume string
		want           map[string]bool
	}{
		{access: "read", want: map[string]bool{"RoleReads": true,
			"RoleResponds": false, "RoleAssumes": false}},
		{access: "respond", assume: "arn:aws:iam::111122223333:role/flow-reader",
			want: map[string]bool{"RoleReads": true, "RoleResponds": true,
				"RoleAssumes": true}},
	}
	for _, tt := range tests {
		t.Run(tt.access, func(t *testing.T) {
			o := testOptions(t, "deploy", "relay-tpl")
			o.roleAccess, o.assumeRole = tt.access, tt.assume
			o.memory, o.timeout = 512, 20
			tpl := packageTemplate(t, o)
			checkConditions(t, tpl, tt.want)
			fn := tpl.Resources["ObserveLambdaFunction"].Properties
			if fn["MemorySize"] != float64(512) || fn["Timeout"] != float64(20) {
				t.Errorf("memory %v, timeout %v; want 512 and 20",
					fn["MemorySize"], fn["Timeout"])
			}
			if tt.assume != "" {
				got := statements(t, tpl.Resources["RelayAssumeRolePolicy"])
				if len(got) != 1 || got[0].Resource != tt.assume {
					t.Errorf("assume-role statements %+v, want one on %s", got,
						tt.assume)
				}
			}
		})
	}
}

// checkRoutes checks that every route and its trailing-slash sibling
// reach the function that serves it, and that no other route exists.
func checkRoutes(t *testing.T, tpl template) {
	want := map[string]string{}
	for _, f := range functions {
		integration := "HttpApiIntegration" + strings.ToUpper(f.name[:1]) + f.name[1:]
		want[f.method+" "+f.path] = integration
		want[f.method+" "+f.path+"/{proxy+}"] = integration
	}
	got := map[string]string{}
	for _, r := range tpl.Resources {
		if r.Type != "AWS::ApiGatewayV2::Route" {
			continue
		}
		key, _ := r.Properties["RouteKey"].(string)
		target, _ := json.Marshal(r.Properties["Target"])
		m := regexp.MustCompile(`"Ref":"(HttpApiIntegration\w+)"`).FindSubmatch(target)
		if m == nil {
			t.Errorf("route %s has no integration target: %s", key, target)
			continue
		}
		got[key] = string(m[1])
	}
	for key, integration := range want {
		if got[key] != integration {
			t.Errorf("route %s goes to %q, want %s", key, got[key], integration)
		}
	}
	for key := range got {
		if _, ok := want[key]; !ok {
			t.Errorf("unexpected route %s", key)
		}
	}
}

// checkFunctions checks each function's runtime, architecture, settings
// and that the functions folder and the Taskfile build the same set.
func checkFunctions(t *testing.T, tpl template, o options) {
	var names []string
	for _, f := range functions {
		names = append(names, f.name)
		r, ok := tpl.Resources[strings.ToUpper(f.name[:1])+f.name[1:]+"LambdaFunction"]
		if !ok {
			t.Errorf("function %s is missing", f.name)
			continue
		}
		p := r.Properties
		arch, _ := json.Marshal(p["Architectures"])
		if p["Runtime"] != "provided.al2023" || string(arch) != `["arm64"]` ||
			p["Handler"] != "bootstrap" {
			t.Errorf("%s: runtime %v, architectures %s, handler %v; want "+
				"provided.al2023 on arm64 with bootstrap", f.name, p["Runtime"],
				arch, p["Handler"])
		}
		if p["MemorySize"] != float64(o.memory) || p["Timeout"] != float64(o.timeout) {
			t.Errorf("%s: memory %v, timeout %v; want %d and %d", f.name,
				p["MemorySize"], p["Timeout"], o.memory, o.timeout)
		}
	}
	sort.Strings(names)
	dirs, err := os.ReadDir("functions")
	if err != nil {
		t.Fatalf("list functions: %v", err)
	}
	var have []string
	for _, d := range dirs {
		have = append(have, d.Name())
	}
	if !slices.Equal(have, names) {
		t.Errorf("functions/ holds %v, the template deploys %v", have, names)
	}
	if built := taskfileFunctions(t); !slices.Equal(built, names) {
		t.Errorf("the Taskfile builds %v, the template deploys %v", built, names)
	}
}

// taskfileFunctions returns the sorted FUNCTIONS of the Taskfile.
func taskfileFunctions(t *testing.T) []string {
	raw, err := os.ReadFile("Taskfile.yml")
	if err != nil {
		t.Fatalf("read Taskfile: %v", err)
	}
	m := regexp.MustCompile(`(?m)^\s+FUNCTIONS:\s*(.+)$`).FindSubmatch(raw)
	if m == nil {
		t.Fatal("Taskfile.yml has no FUNCTIONS variable")
	}
	names := strings.Fields(string(m[1]))
	sort.Strings(names)
	return names
}

// checkEnvironment checks that no function carries a secret in clear:
// the only secret-looking variable is the parameter's name.
func checkEnvironment(t *testing.T, tpl template) {
	for name, r := range tpl.Resources {
		if r.Type != "AWS::Lambda::Function" {
			continue
		}
		env, _ := r.Properties["Environment"].(map[string]any)
		vars, _ := env["Variables"].(map[string]any)
		param, _ := vars["RELAY_SECRET_PARAMETER"].(string)
		if param != "/relay-tpl/relay-secret" {
			t.Errorf("%s: RELAY_SECRET_PARAMETER = %q, want /relay-tpl/relay-secret",
				name, param)
		}
		for key := range vars {
			upper := strings.ToUpper(key)
			if key != "RELAY_SECRET_PARAMETER" && (strings.Contains(upper, "SECRET") ||
				strings.Contains(upper, "KEY") || strings.Contains(upper, "TOKEN") ||
				strings.Contains(upper, "PASSWORD")) {
				t.Errorf("%s: environment variable %s may hold a secret", name, key)
			}
		}
	}
}
