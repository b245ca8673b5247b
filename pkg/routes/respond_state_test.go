package routes_test

import (
	"context"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
)

func TestIsolateTakesBackAnAddedGroup(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(3)
	in := f.launch("leaky", groups[:2])
	wantStatus(t, "isolate-instance", in.ip, "success", "")
	record := f.recordTags(in.id)
	iso := f.isolationGroup()

	// Someone adds a group beside the isolation group.
	f.setGroups(in.eni, iso, groups[2])
	wantOffer(t, in.ip, "isolate-instance", in)
	wantStatus(t, "isolate-instance", in.ip, "success", "beside "+groups[2])
	f.wantGroups(in.eni, append(slices.Clone(groups), iso), []string{iso})
	if got := f.recordTags(in.id); !mapsEqual(got, record) {
		t.Errorf("got record %v, want %v kept", got, record)
	}
	wantStatus(t, "un-isolate-instance", in.ip, "success", "")
	f.wantGroups(in.eni, append(slices.Clone(groups), iso), groups[:2])
}

// setGroups replaces the groups of an interface.
func (f *fixture) setGroups(eni string, groups ...string) {
	f.t.Helper()
	if _, err := f.ec2.ModifyNetworkInterfaceAttribute(f.t.Context(),
		&ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(eni),
			Groups: groups}); err != nil {
		f.t.Fatal(err)
	}
}

func TestIsolateReplacesAStaleRecord(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(2)
	in := f.launch("stale", groups)
	stale := "sg-0123456789abcdef0::"
	f.setTag(in.id, "Pre-Isolation-SG", stale)

	wantOffer(t, in.ip, "isolate-instance", in)
	wantStatus(t, "isolate-instance", in.ip, "success", stale)
	iso := f.isolationGroup()
	f.wantGroups(in.eni, append(slices.Clone(groups), iso), []string{iso})
	record := f.recordTags(in.id)
	if _, ok := record["Pre-Isolation-SG"]; ok || len(record) != 1 {
		t.Errorf("got record %v, want one fresh tag", record)
	}
	wantStatus(t, "un-isolate-instance", in.ip, "success", "")
	f.wantGroups(in.eni, append(slices.Clone(groups), iso), groups)
}

func TestAddressInTwoVPCs(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(1)
	in := f.launch("overlap-a", groups)
	other := f.overlappingSubnet()
	twin := f.launchIn("overlap-b", other, in.ip, nil)

	r := call(t, "POST", "/respond/observables", observables("ip", in.ip), claims(nil))
	if string(r.Data) != "[]" || !mentions(r, in.id) || !mentions(r, twin.id) {
		t.Errorf("got %s, want no action and a warning naming %s and %s",
			r.raw, in.id, twin.id)
	}
	got, r := trigger(t, "isolate-instance", in.ip)
	if got != "failure" || !mentions(r, in.id) || !mentions(r, twin.id) {
		t.Errorf("got %s, want a failure naming both instances", r.raw)
	}
	iso := f.isolationGroup()
	f.wantGroups(in.eni, append(slices.Clone(groups), iso), groups)
	if len(f.recordTags(in.id)) != 0 || len(f.recordTags(twin.id)) != 0 {
		t.Errorf("got records %v and %v, want none", f.recordTags(in.id),
			f.recordTags(twin.id))
	}
}

// overlappingSubnet creates a VPC and subnet with the default subnet's
// range, deleted after the test, and returns the subnet's id.
func (f *fixture) overlappingSubnet() string {
	f.t.Helper()
	subnets, err := f.ec2.DescribeSubnets(f.t.Context(),
		&ec2.DescribeSubnetsInput{SubnetIds: []string{f.subnet}})
	if err != nil || len(subnets.Subnets) != 1 {
		f.t.Fatalf("describe subnet %s: %v", f.subnet, err)
	}
	cidr := aws.ToString(subnets.Subnets[0].CidrBlock)
	vpc, err := f.ec2.CreateVpc(f.t.Context(),
		&ec2.CreateVpcInput{CidrBlock: aws.String(cidr)})
	if err != nil {
		f.t.Fatal(err)
	}
	vpcID := aws.ToString(vpc.Vpc.VpcId)
	subnet, err := f.ec2.CreateSubnet(f.t.Context(), &ec2.CreateSubnetInput{
		VpcId: aws.String(vpcID), CidrBlock: aws.String(cidr)})
	if err != nil {
		f.t.Fatal(err)
	}
	id := aws.ToString(subnet.Subnet.SubnetId)
	// Cleanups run last first: after the instance is terminated.
	f.t.Cleanup(func() {
		ctx := context.Background()
		_, _ = f.ec2.DeleteSubnet(ctx, &ec2.DeleteSubnetInput{SubnetId: &id})
		_, _ = f.ec2.DeleteVpc(ctx, &ec2.DeleteVpcInput{VpcId: &vpcID})
	})
	return id
}
