package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
)

// statement is one IAM policy statement; Action and Resource may be a
// string or a list in JSON, and are read as lists here.
type statement struct {
	Sid      string
	Effect   string
	Action   []string
	Resource string
}

// UnmarshalJSON accepts the string and list forms of Action, and any
// Resource, kept as its JSON text unless it is a plain string.
func (s *statement) UnmarshalJSON(raw []byte) error {
	var v struct {
		Sid      string
		Effect   string
		Action   json.RawMessage
		Resource json.RawMessage
	}
	if err := json.Unmarshal(raw, &v); err != nil {
		return err
	}
	s.Sid, s.Effect = v.Sid, v.Effect
	if json.Unmarshal(v.Action, &s.Action) != nil {
		var one string
		if err := json.Unmarshal(v.Action, &one); err != nil {
			return err
		}
		s.Action = []string{one}
	}
	if json.Unmarshal(v.Resource, &s.Resource) != nil {
		s.Resource = string(v.Resource)
	}
	return nil
}

// statements returns the statements of an AWS::IAM::Policy resource.
func statements(t *testing.T, r resource) []statement {
	t.Helper()
	raw, _ := json.Marshal(r.Properties["PolicyDocument"])
	var doc struct{ Statement []statement }
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("decode policy document: %v", err)
	}
	return doc.Statement
}

// actionsOf returns the sorted actions of allow statements.
func actionsOf(list []statement) []string {
	var out []string
	for _, s := range list {
		if s.Effect == "Allow" {
			out = append(out, s.Action...)
		}
	}
	sort.Strings(out)
	return slices.Compact(out)
}

// checkRole checks the function role's own policy: logging to its log
// groups and reading the one parameter, nothing else.
func checkRole(t *testing.T, tpl template, o options) {
	role := tpl.Resources["IamRoleLambdaExecution"]
	policies, _ := role.Properties["Policies"].([]any)
	if len(policies) != 1 {
		t.Fatalf("the role has %d inline policies, want 1", len(policies))
	}
	raw, _ := json.Marshal(policies[0])
	var p struct {
		PolicyDocument struct{ Statement []statement }
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("decode role policy: %v", err)
	}
	want := []string{"logs:CreateLogGroup", "logs:CreateLogStream",
		"logs:PutLogEvents", "logs:TagResource", "ssm:GetParameter"}
	if got := actionsOf(p.PolicyDocument.Statement); !slices.Equal(got, want) {
		t.Errorf("role actions %v, want %v", got, want)
	}
	for _, s := range p.PolicyDocument.Statement {
		if strings.Contains(s.Resource, `"*"`) || s.Resource == "*" {
			t.Errorf("statement %v applies to every resource", s.Action)
		}
		if slices.Contains(s.Action, "ssm:GetParameter") &&
			!strings.Contains(s.Resource, ":parameter"+o.secretParameter()+`"`) {
			t.Errorf("ssm:GetParameter on %s, want only %s", s.Resource,
				o.secretParameter())
		}
	}
}

// checkConditions evaluates the template's conditions and compares them.
func checkConditions(t *testing.T, tpl template, want map[string]bool) {
	t.Helper()
	for name, w := range want {
		if got := evaluate(t, tpl.Conditions[name]); got != w {
			t.Errorf("condition %s = %t, want %t", name, got, w)
		}
	}
	for name, policy := range map[string]string{"RoleReads": "RelayReadPolicy",
		"RoleResponds": "RelayRespondPolicy", "RoleAssumes": "RelayAssumeRolePolicy"} {
		if tpl.Resources[policy].Condition != name {
			t.Errorf("%s has condition %q, want %s", policy,
				tpl.Resources[policy].Condition, name)
		}
	}
}

// evaluate computes a condition made of Fn::Equals, Fn::Or and Fn::Not
// over literal strings, which is all serverless.yml uses.
func evaluate(t *testing.T, cond any) bool {
	t.Helper()
	m, _ := cond.(map[string]any)
	for fn, arg := range m {
		args, _ := arg.([]any)
		switch fn {
		case "Fn::Equals":
			return len(args) == 2 && args[0] == args[1]
		case "Fn::Not":
			return len(args) == 1 && !evaluate(t, args[0])
		case "Fn::Or":
			return slices.ContainsFunc(args, func(a any) bool { return evaluate(t, a) })
		}
	}
	t.Fatalf("cannot evaluate condition %v", cond)
	return false
}

// codeActions returns the IAM actions the relay's AWS adapter calls,
// found from its SDK calls and paginators. sts:GetCallerIdentity needs no
// permission and is left out.
func codeActions(t *testing.T) []string {
	files, err := filepath.Glob("pkg/awsacct/*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("list pkg/awsacct: %v", err)
	}
	service := map[string]string{"EC2": "ec2", "ec2": "ec2", "Logs": "logs",
		"cloudwatchlogs": "logs", "IAM": "iam", "iam": "iam", "S3": "s3",
		"s3": "s3", "APIGateway": "apigateway", "apigateway": "apigateway",
		"APIGatewayV2": "apigateway", "apigatewayv2": "apigateway", "STS": "sts"}
	call := regexp.MustCompile(
		`\.(EC2|Logs|IAM|S3|APIGateway|APIGatewayV2|STS)\.(\w+)\(`)
	pager := regexp.MustCompile(
		`\b(ec2|cloudwatchlogs|iam|s3|apigateway|apigatewayv2)\.New(\w+)Paginator\(`)
	var out []string
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatalf("read %s: %v", f, err)
		}
		for _, re := range []*regexp.Regexp{call, pager} {
			for _, m := range re.FindAllStringSubmatch(string(src), -1) {
				out = append(out, iamAction(service[m[1]], m[2]))
			}
		}
	}
	out = slices.DeleteFunc(out, func(a string) bool {
		return a == "sts:GetCallerIdentity"
	})
	sort.Strings(out)
	return slices.Compact(out)
}

// iamAction is the IAM action an SDK operation needs.
func iamAction(service, operation string) string {
	switch {
	case service == "apigateway" && strings.HasPrefix(operation, "Get"):
		return "apigateway:GET"
	case service == "s3" && operation == "ListBuckets":
		return "s3:ListAllMyBuckets"
	}
	return service + ":" + operation
}

// policyInMarkdown returns the statements of the first JSON policy in a
// fenced block of text after marker.
func policyInMarkdown(t *testing.T, text, marker string) []statement {
	t.Helper()
	_, after, ok := strings.Cut(text, marker)
	if !ok {
		t.Fatalf("no %q in the text", marker)
	}
	m := regexp.MustCompile("(?s)```json\\s*(\\{.*?\"2012-10-17\".*?\\})\\s*```").
		FindStringSubmatch(after)
	if m == nil {
		t.Fatalf("no JSON policy after %q", marker)
	}
	var doc struct{ Statement []statement }
	if err := json.Unmarshal([]byte(m[1]), &doc); err != nil {
		t.Fatalf("decode policy after %q: %v", marker, err)
	}
	return doc.Statement
}

// TestPolicyMatchesCode checks that the role's account policies, the
// README's IAM policy and the module type's tips list exactly the
// actions the code calls.
func TestPolicyMatchesCode(t *testing.T) {
	needServerless(t)
	code := codeActions(t)
	o := testOptions(t, "deploy", "relay-tpl")
	o.roleAccess = "respond"
	tpl := packageTemplate(t, o)
	role := actionsOf(append(statements(t, tpl.Resources["RelayReadPolicy"]),
		statements(t, tpl.Resources["RelayRespondPolicy"])...))
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatalf("read README: %v", err)
	}
	module, err := os.ReadFile("module_type.json")
	if err != nil {
		t.Fatalf("read module type: %v", err)
	}
	var doc struct{ Tips string }
	if err := json.Unmarshal(module, &doc); err != nil {
		t.Fatalf("decode module type: %v", err)
	}
	lists := map[string][]string{
		"serverless.yml role policies": role,
		"README.md, Deploying":         actionsOf(policyInMarkdown(t, string(readme), "## Deploying")),
		"module_type.json tips":        actionsOf(policyInMarkdown(t, doc.Tips, "**Policy.**")),
	}
	for name, got := range lists {
		if !slices.Equal(got, code) {
			t.Errorf("%s lists\n%v\nthe code calls\n%v", name, got, code)
		}
	}
}
