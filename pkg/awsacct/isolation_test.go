package awsacct

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/respond"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"

	"github.com/aws-vpc-flow-relay/relay/localstack/emutest"
)

func TestRespondInstance(t *testing.T) {
	i := ec2types.Instance{
		InstanceId: aws.String("i-1"), VpcId: aws.String("vpc-main"),
		State: &ec2types.InstanceState{Name: ec2types.InstanceStateNameStopped},
		Tags: []ec2types.Tag{{Key: aws.String("Name"), Value: aws.String("web-1")},
			{Key: aws.String("Pre-Isolation-SG"), Value: aws.String("sg-a::")}},
		NetworkInterfaces: []ec2types.InstanceNetworkInterface{
			{NetworkInterfaceId: aws.String("eni-2"), VpcId: aws.String("vpc-other"),
				Attachment: &ec2types.InstanceNetworkInterfaceAttachment{
					DeviceIndex: aws.Int32(1)},
				Groups: []ec2types.GroupIdentifier{{GroupId: aws.String("sg-b"),
					GroupName: aws.String("db")}}},
			{NetworkInterfaceId: aws.String("eni-1"),
				Attachment: &ec2types.InstanceNetworkInterfaceAttachment{
					DeviceIndex: aws.Int32(0)},
				Groups: []ec2types.GroupIdentifier{{GroupId: aws.String("sg-a")},
					{GroupId: aws.String("sg-c"), GroupName: aws.String("ssh")}}},
		},
	}
	got := respondInstance(i)
	want := []respond.Interface{
		{ID: "eni-1", VPCID: "vpc-main", DeviceIndex: 0,
			Groups: []respond.Group{{ID: "sg-a"}, {ID: "sg-c", Name: "ssh"}}},
		{ID: "eni-2", VPCID: "vpc-other", DeviceIndex: 1,
			Groups: []respond.Group{{ID: "sg-b", Name: "db"}}},
	}
	if got.ID != "i-1" || got.Name != "web-1" || got.State != "stopped" ||
		got.Tags["Pre-Isolation-SG"] != "sg-a::" || !got.Recorded() {
		t.Errorf("got %+v", got)
	}
	if !slices.EqualFunc(got.Interfaces, want, func(a, b respond.Interface) bool {
		return a.ID == b.ID && a.VPCID == b.VPCID && a.DeviceIndex == b.DeviceIndex &&
			slices.Equal(a.Groups, b.Groups)
	}) {
		t.Errorf("got interfaces %+v, want %+v", got.Interfaces, want)
	}
}

// emulatorAccount opens the account of the emulator at AWS_ENDPOINT_URL,
// or skips the test when none answers.
func emulatorAccount(t *testing.T) *Account {
	t.Helper()
	emutest.Need(t)
	a, err := (&Opener{}).Open(t.Context(), settings.Settings{Region: "us-east-1",
		AccessKey: "AKIAEMULATORTEST0001", SecretKey: "test"})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// freshVPC creates a VPC of its own for one test and deletes it after.
func freshVPC(t *testing.T, a *Account) string {
	t.Helper()
	cidr := fmt.Sprintf("10.%d.0.0/16", 100+time.Now().UnixNano()%150)
	out, err := a.EC2.CreateVpc(t.Context(),
		&ec2.CreateVpcInput{CidrBlock: aws.String(cidr)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.Vpc.VpcId)
	t.Cleanup(func() {
		_, _ = a.EC2.DeleteVpc(context.Background(), &ec2.DeleteVpcInput{VpcId: aws.String(id)})
	})
	return id
}

func TestIsolationGroupIsCreatedOnceAndEmpty(t *testing.T) {
	a := emulatorAccount(t)
	vpc := freshVPC(t, a)
	iso := a.Isolation()

	// Calls racing to create the group all end with the same one.
	ids := make([]string, 4)
	var wg sync.WaitGroup
	for i := range ids {
		wg.Go(func() {
			g, err := iso.IsolationGroup(t.Context(), vpc)
			if err != nil {
				t.Errorf("call %d: %v", i, err)
			}
			ids[i] = g.ID
		})
	}
	wg.Wait()
	other := func(id string) bool { return id != ids[0] }
	if ids[0] == "" || slices.ContainsFunc(ids, other) {
		t.Fatalf("got ids %v, want one group", ids)
	}
	t.Cleanup(func() {
		_, _ = a.EC2.DeleteSecurityGroup(context.Background(),
			&ec2.DeleteSecurityGroupInput{GroupId: aws.String(ids[0])})
	})
	out, err := a.EC2.DescribeSecurityGroups(t.Context(),
		&ec2.DescribeSecurityGroupsInput{GroupIds: ids[:1]})
	if err != nil || len(out.SecurityGroups) != 1 {
		t.Fatalf("describe %s: %v", ids[0], err)
	}
	g := out.SecurityGroups[0]
	if aws.ToString(g.GroupName) != "SecureX-EC2_Isolation-"+vpc ||
		aws.ToString(g.VpcId) != vpc || tag(g.Tags, ManagedByTag) != ManagedByValue {
		t.Errorf("got group %s in %s tagged %v", aws.ToString(g.GroupName),
			aws.ToString(g.VpcId), g.Tags)
	}
	if len(g.IpPermissions) != 0 || len(g.IpPermissionsEgress) != 0 {
		t.Errorf("got rules in %v and out %v, want none", g.IpPermissions,
			g.IpPermissionsEgress)
	}
}

func TestGroupsLeaveOutDeletedGroups(t *testing.T) {
	a := emulatorAccount(t)
	vpc := freshVPC(t, a)
	out, err := a.EC2.CreateSecurityGroup(t.Context(), &ec2.CreateSecurityGroupInput{
		GroupName: aws.String("names-test"), Description: aws.String("test"),
		VpcId: aws.String(vpc)})
	if err != nil {
		t.Fatal(err)
	}
	id := aws.ToString(out.GroupId)
	t.Cleanup(func() {
		_, _ = a.EC2.DeleteSecurityGroup(context.Background(),
			&ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
	})
	got, err := a.Isolation().Groups(t.Context(), []string{id, "sg-0123456789abcdef0"})
	want := respond.Group{ID: id, Name: "names-test", VPCID: vpc}
	if err != nil || len(got) != 1 || got[id] != want {
		t.Errorf("got %v %v, want only %+v", got, err, want)
	}
}

func TestIsolationGroupLosesRulesAddedLater(t *testing.T) {
	a := emulatorAccount(t)
	vpc := freshVPC(t, a)
	iso := a.Isolation()
	first, err := iso.IsolationGroup(t.Context(), vpc)
	if err != nil {
		t.Fatal(err)
	}
	id := first.ID
	t.Cleanup(func() {
		_, _ = a.EC2.DeleteSecurityGroup(context.Background(),
			&ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
	})
	if first.Revoked != 0 {
		t.Errorf("a new group counts %d revoked rules, want 0", first.Revoked)
	}
	addRules(t, a, id)

	second, err := iso.IsolationGroup(t.Context(), vpc)
	if err != nil || second.ID != id || second.Revoked == 0 {
		t.Fatalf("got %+v %v, want %s with revoked rules counted", second, err, id)
	}
	out, err := a.EC2.DescribeSecurityGroups(t.Context(),
		&ec2.DescribeSecurityGroupsInput{GroupIds: []string{id}})
	if err != nil || len(out.SecurityGroups) != 1 {
		t.Fatalf("describe %s: %v", id, err)
	}
	g := out.SecurityGroups[0]
	if len(g.IpPermissions) != 0 || len(g.IpPermissionsEgress) != 0 {
		t.Errorf("got rules in %v and out %v, want none", g.IpPermissions,
			g.IpPermissionsEgress)
	}
}

// addRules opens a group: SSH from anywhere, all traffic from another
// group, HTTPS out to a network and all traffic out.
func addRules(t *testing.T, a *Account, id string) {
	t.Helper()
	tcp := func(port int32, cidr string) ec2types.IpPermission {
		return ec2types.IpPermission{IpProtocol: aws.String("tcp"),
			FromPort: aws.Int32(port), ToPort: aws.Int32(port),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String(cidr)}}}
	}
	if _, err := a.EC2.AuthorizeSecurityGroupIngress(t.Context(),
		&ec2.AuthorizeSecurityGroupIngressInput{GroupId: aws.String(id),
			IpPermissions: []ec2types.IpPermission{tcp(22, "0.0.0.0/0"),
				{IpProtocol: aws.String("-1"), UserIdGroupPairs: []ec2types.UserIdGroupPair{
					{GroupId: aws.String(id)}}}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := a.EC2.AuthorizeSecurityGroupEgress(t.Context(),
		&ec2.AuthorizeSecurityGroupEgressInput{GroupId: aws.String(id),
			IpPermissions: []ec2types.IpPermission{tcp(443, "10.0.0.0/8"),
				{IpProtocol: aws.String("-1"), IpRanges: []ec2types.IpRange{
					{CidrIp: aws.String("0.0.0.0/0")}}}}}); err != nil {
		t.Fatal(err)
	}
}

func TestLockGroup(t *testing.T) {
	a := emulatorAccount(t)
	vpc := freshVPC(t, a)
	iso := a.Isolation()
	name := respond.LockGroupName(fmt.Sprintf("i-lock%d", time.Now().UnixNano()))
	tags := []respond.Tag{{Key: respond.LockExpiresTag, Value: "2030-01-02T03:04:05Z"}}

	id, ok, err := iso.CreateLock(t.Context(), vpc, name, tags)
	if err != nil || !ok || id == "" {
		t.Fatalf("create: got %q %v %v, want a new group", id, ok, err)
	}
	t.Cleanup(func() { _ = iso.DeleteLock(context.Background(), id) })
	if again, ok, err := iso.CreateLock(t.Context(), vpc, name, tags); ok || err != nil {
		t.Errorf("create again: got %q %v %v, want false and no error", again, ok, err)
	}
	got, found, err := iso.FindLock(t.Context(), vpc, name)
	if err != nil || !found || got.ID != id ||
		got.Tags[respond.LockExpiresTag] != tags[0].Value ||
		got.Tags[ManagedByTag] != ManagedByValue {
		t.Errorf("find: got %+v %v %v, want %s with its tags", got, found, err, id)
	}
	if err := iso.DeleteLock(t.Context(), id); err != nil {
		t.Fatalf("delete: %v", err)
	}
	if err := iso.DeleteLock(t.Context(), id); err != nil {
		t.Errorf("delete again: got %v, want no error", err)
	}
	if _, found, err := iso.FindLock(t.Context(), vpc, name); found || err != nil {
		t.Errorf("find after delete: got %v %v, want none", found, err)
	}
}
