package awsacct

import (
	"context"
	"net/netip"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/respond"
)

// ManagedByTag is the tag key and value that mark the security groups the
// relay creates.
const (
	ManagedByTag   = "ManagedBy"
	ManagedByValue = "aws-vpc-flow-relay"
)

// Isolation is the EC2 side of the respond actions: it finds instances
// and makes the changes package respond plans. It implements respond.EC2.
type Isolation struct{ a *Account }

// Isolation returns the account's EC2 side of the respond actions.
func (a *Account) Isolation() *Isolation { return &Isolation{a} }

// Instances finds the instances holding each address on any of their
// interfaces, by private, public, Elastic or IPv6 address, with the
// inventory's lookups. An address held in two VPCs whose ranges overlap
// maps to both instances (respond.Pick tells them apart); observe's
// lookup keeps one. Addresses no instance holds are absent.
func (iso *Isolation) Instances(ctx context.Context,
	addrs []netip.Addr) (map[netip.Addr][]respond.Instance, error) {
	inv := inventory{iso.a}
	ids, elastic, err := inv.holderIDs(ctx, addrs)
	if err != nil {
		return nil, err
	}
	out := map[netip.Addr][]respond.Instance{}
	if len(ids) == 0 {
		return out, nil
	}
	in := &ec2.DescribeInstancesInput{InstanceIds: keys(ids)}
	err = inv.eachInstance(ctx, in, func(i ec2types.Instance) {
		seen := instanceOf(i, elastic)
		for _, a := range addrs {
			if holds(seen, a) {
				out[a] = append(out[a], respondInstance(i))
			}
		}
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// respondInstance converts an instance description for package respond,
// its interfaces ordered by device index.
func respondInstance(i ec2types.Instance) respond.Instance {
	out := respond.Instance{ID: aws.ToString(i.InstanceId),
		Name: tag(i.Tags, "Name"), Tags: map[string]string{}}
	if i.State != nil {
		out.State = string(i.State.Name)
	}
	for _, t := range i.Tags {
		out.Tags[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	for _, ni := range i.NetworkInterfaces {
		iface := respond.Interface{ID: aws.ToString(ni.NetworkInterfaceId),
			VPCID: aws.ToString(ni.VpcId)}
		if iface.VPCID == "" {
			iface.VPCID = aws.ToString(i.VpcId)
		}
		if ni.Attachment != nil {
			iface.DeviceIndex = aws.ToInt32(ni.Attachment.DeviceIndex)
		}
		for _, g := range ni.Groups {
			iface.Groups = append(iface.Groups, respond.Group{
				ID: aws.ToString(g.GroupId), Name: aws.ToString(g.GroupName)})
		}
		out.Interfaces = append(out.Interfaces, iface)
	}
	slices.SortFunc(out.Interfaces, func(a, b respond.Interface) int {
		return int(a.DeviceIndex) - int(b.DeviceIndex)
	})
	return out
}

// Instance reads one instance again. Its error is not found when the
// instance no longer exists.
func (iso *Isolation) Instance(ctx context.Context,
	instanceID string) (respond.Instance, error) {
	var out respond.Instance
	found := false
	in := &ec2.DescribeInstancesInput{InstanceIds: []string{instanceID}}
	err := inventory{iso.a}.eachInstance(ctx, in, func(i ec2types.Instance) {
		out, found = respondInstance(i), true
	})
	if err != nil {
		return out, err
	}
	if !found {
		return out, failure.New(failure.NotFound,
			"instance %s no longer exists", instanceID)
	}
	return out, nil
}

// Groups describes the security groups among ids that exist, by id,
// with their names and VPCs. Deleted groups are simply absent.
func (iso *Isolation) Groups(ctx context.Context,
	ids []string) (map[string]respond.Group, error) {
	out := map[string]respond.Group{}
	if len(ids) == 0 {
		return out, nil
	}
	// A filter, unlike GroupIds, does not fail the call for a missing id.
	in := &ec2.DescribeSecurityGroupsInput{Filters: []ec2types.Filter{
		{Name: aws.String("group-id"), Values: ids}}}
	pages := ec2.NewDescribeSecurityGroupsPaginator(iso.a.EC2, in)
	for pages.HasMorePages() {
		page, err := pages.NextPage(ctx)
		if err != nil {
			return nil, classify(err, "ec2:DescribeSecurityGroups")
		}
		for _, g := range page.SecurityGroups {
			id := aws.ToString(g.GroupId)
			out[id] = respond.Group{ID: id, Name: aws.ToString(g.GroupName),
				VPCID: aws.ToString(g.VpcId)}
		}
	}
	return out, nil
}

// SetGroups replaces the security groups of one network interface.
func (iso *Isolation) SetGroups(ctx context.Context, interfaceID string,
	groups []string) error {
	_, err := iso.a.EC2.ModifyNetworkInterfaceAttribute(ctx,
		&ec2.ModifyNetworkInterfaceAttributeInput{
			NetworkInterfaceId: aws.String(interfaceID), Groups: groups})
	return classify(err, "ec2:ModifyNetworkInterfaceAttribute")
}

// PutTags adds or overwrites tags of an instance in one call, so that a
// record is written whole or not at all.
func (iso *Isolation) PutTags(ctx context.Context, instanceID string,
	tags []respond.Tag) error {
	list := make([]ec2types.Tag, len(tags))
	for i, t := range tags {
		list[i] = ec2types.Tag{Key: aws.String(t.Key), Value: aws.String(t.Value)}
	}
	_, err := iso.a.EC2.CreateTags(ctx, &ec2.CreateTagsInput{
		Resources: []string{instanceID}, Tags: list})
	return classify(err, "ec2:CreateTags")
}

// DeleteTags removes tags of an instance, whatever their values.
func (iso *Isolation) DeleteTags(ctx context.Context, instanceID string,
	keys []string) error {
	list := make([]ec2types.Tag, len(keys))
	for i, k := range keys {
		list[i] = ec2types.Tag{Key: aws.String(k)}
	}
	_, err := iso.a.EC2.DeleteTags(ctx, &ec2.DeleteTagsInput{
		Resources: []string{instanceID}, Tags: list})
	return classify(err, "ec2:DeleteTags")
}
