package routes_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// recordKey is the key of a record held in one tag.
const recordKey = "SecureX-Isolation-Record-1/1"

func TestUnisolateEmptyOrForeignRecord(t *testing.T) {
	tests := []struct{ name, value string }{
		{"empty record", ""},
		{"foreign interface", "eni-0123456789abcdef0=sg-0123456789abcdef0"},
	}
	f := newFixture(t)
	groups := f.groups(1)
	iso := f.isolationGroup()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := f.launch(strings.ReplaceAll(tt.name, " ", "-"), groups)
			wantStatus(t, "isolate-instance", in.ip, "success", "")
			f.setTag(in.id, recordKey, tt.value)

			wantStatus(t, "un-isolate-instance", in.ip, "failure", "stays isolated")
			f.wantGroups(in.eni, append(slices.Clone(groups), iso), []string{iso})
			if got := f.recordTags(in.id); got[recordKey] != tt.value {
				t.Errorf("got record %v, want it kept", got)
			}
		})
	}
}

// setTag sets one tag of an instance.
func (f *fixture) setTag(id, key, value string) {
	f.t.Helper()
	if _, err := f.ec2.CreateTags(f.t.Context(), &ec2.CreateTagsInput{
		Resources: []string{id}, Tags: []types.Tag{{Key: aws.String(key),
			Value: aws.String(value)}}}); err != nil {
		f.t.Fatal(err)
	}
}

func TestUnisolateRecordOfAnotherVPC(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(1)
	in := f.launch("other-vpc", groups)
	vpc, err := f.ec2.CreateVpc(t.Context(),
		&ec2.CreateVpcInput{CidrBlock: aws.String("10.201.0.0/16")})
	if err != nil {
		t.Fatal(err)
	}
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	foreign, err := f.ec2.CreateSecurityGroup(t.Context(), &ec2.CreateSecurityGroupInput{
		GroupName: aws.String(f.prefix + "foreign"), Description: aws.String("test"),
		VpcId: aws.String(vpcID)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		f.deleteGroup(aws.ToString(foreign.GroupId))
		_, _ = f.ec2.DeleteVpc(t.Context(), &ec2.DeleteVpcInput{VpcId: aws.String(vpcID)})
	})
	wantStatus(t, "isolate-instance", in.ip, "success", "")
	f.setTag(in.id, recordKey, in.eni+"="+aws.ToString(foreign.GroupId))

	wantStatus(t, "un-isolate-instance", in.ip, "failure", "damaged")
	iso := f.isolationGroup()
	f.wantGroups(in.eni, []string{groups[0], aws.ToString(foreign.GroupId), iso},
		[]string{iso})
}

func TestUserGroupNamedLikeAnIsolationGroup(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(1)
	mine := f.group("SecureX-EC2_Isolation-" + f.prefix + "mine")
	t.Cleanup(func() { f.deleteGroup(mine) })
	groups = append(groups, mine)
	in := f.launch("lookalike", groups)

	wantStatus(t, "isolate-instance", in.ip, "success", "")
	iso := f.isolationGroup()
	f.wantGroups(in.eni, append(slices.Clone(groups), iso), []string{iso})
	wantStatus(t, "un-isolate-instance", in.ip, "success", "")
	f.wantGroups(in.eni, append(slices.Clone(groups), iso), groups)
}

func TestAuditCallerOfATokenWithoutSub(t *testing.T) {
	f := newFixture(t)
	in := f.launch("caller", f.groups(1))
	tests := []struct {
		name   string
		claims map[string]any
		want   string
	}{
		{"email", map[string]any{"email": "analyst@example.com"}, "analyst@example.com"},
		{"nothing", nil, "configuration token without sub"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, _ := json.Marshal(map[string]string{"action-id": "un-isolate-instance",
				"observable_type": "ip", "observable_value": in.ip})
			call(t, "POST", "/respond/trigger", body, claims(tt.claims))
			if got := auditCallers(in.id); !slices.Contains(got, tt.want) {
				t.Errorf("got callers %q, want %q", got, tt.want)
			}
		})
	}
}

// auditCallers returns the callers of the audit lines about an instance.
func auditCallers(id string) []string {
	var out []string
	for _, line := range strings.Split(relayLogs.String(), "\n") {
		var l struct {
			Message    string `json:"message"`
			Caller     string `json:"caller"`
			InstanceID string `json:"instance_id"`
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Message == "respond" &&
			l.InstanceID == id {
			out = append(out, l.Caller)
		}
	}
	return out
}
