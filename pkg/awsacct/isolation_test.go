package awsacct

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/respond"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
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
		got.Tags["Pre-Isolation-SG"] != "sg-a::" || !got.Isolated() {
		t.Errorf("got %+v", got)
	}
	if !slices.EqualFunc(got.Interfaces, want, func(a, b respond.Interface) bool {
		return a.ID == b.ID && a.VPCID == b.VPCID && a.DeviceIndex == b.DeviceIndex &&
			slices.Equal(a.Groups, b.Groups)
	}) {
		t.Errorf("got interfaces %+v, want %+v", got.Interfaces, want)
	}
}

func TestOpenPart(t *testing.T) {
	tests := []struct {
		name      string
		rule      ec2types.IpPermission
		v4, v6    int
		wantFound bool
	}{
		{"default IPv4 rule", ec2types.IpPermission{IpProtocol: aws.String("-1"),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}, 1, 0, true},
		{"default IPv6 rule", ec2types.IpPermission{IpProtocol: aws.String("-1"),
			Ipv6Ranges: []ec2types.Ipv6Range{{CidrIpv6: aws.String("::/0")}}}, 0, 1, true},
		{"open range beside a narrow one", ec2types.IpPermission{IpProtocol: aws.String("-1"),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.0/8")},
				{CidrIp: aws.String("0.0.0.0/0")}}}, 1, 0, true},
		{"a forensics host", ec2types.IpPermission{IpProtocol: aws.String("-1"),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("10.0.0.9/32")}}}, 0, 0, false},
		{"one port to anywhere", ec2types.IpPermission{IpProtocol: aws.String("tcp"),
			FromPort: aws.Int32(443), ToPort: aws.Int32(443),
			IpRanges: []ec2types.IpRange{{CidrIp: aws.String("0.0.0.0/0")}}}, 0, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := openPart(tt.rule)
			if ok != tt.wantFound || len(got.IpRanges) != tt.v4 || len(got.Ipv6Ranges) != tt.v6 {
				t.Errorf("got %v with %d and %d ranges, want %v with %d and %d",
					ok, len(got.IpRanges), len(got.Ipv6Ranges), tt.wantFound, tt.v4, tt.v6)
			}
		})
	}
}

// emulatorAccount opens the account of the emulator at AWS_ENDPOINT_URL,
// or skips the test when none answers.
func emulatorAccount(t *testing.T) *Account {
	t.Helper()
	url := os.Getenv("AWS_ENDPOINT_URL")
	c := http.Client{Timeout: 2 * time.Second}
	resp, err := c.Get(url)
	if url == "" || err != nil {
		t.Skip("no AWS emulator answers at AWS_ENDPOINT_URL=" + url +
			"; start one with `go run ./localstack/emulator start`")
	}
	resp.Body.Close()
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
			id, err := iso.IsolationGroup(t.Context(), vpc)
			if err != nil {
				t.Errorf("call %d: %v", i, err)
			}
			ids[i] = id
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

func TestGroupNamesLeaveOutDeletedGroups(t *testing.T) {
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
	got, err := a.Isolation().GroupNames(t.Context(), []string{id, "sg-0123456789abcdef0"})
	if err != nil || len(got) != 1 || got[id] != "names-test" {
		t.Errorf("got %v %v, want only %s named names-test", got, err, id)
	}
}
