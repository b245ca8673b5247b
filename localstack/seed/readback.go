package seed

import (
	"context"
	"fmt"
	"net/netip"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// describeInstance returns one instance as EC2 reports it.
func describeInstance(
	ctx context.Context,
	c clients,
	id string,
) (types.Instance, error) {
	out, err := c.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{
		InstanceIds: []string{id},
	})
	if err != nil {
		return types.Instance{}, fmt.Errorf("describe instance %s: %w", id, err)
	}
	for _, r := range out.Reservations {
		for _, inst := range r.Instances {
			return inst, nil
		}
	}
	return types.Instance{}, fmt.Errorf("instance %s not found", id)
}

// primaryInterface returns the id of an instance's interface at device
// index 0.
func primaryInterface(ctx context.Context, c clients, id string) (string, error) {
	inst, err := describeInstance(ctx, c, id)
	if err != nil {
		return "", err
	}
	for _, ni := range inst.NetworkInterfaces {
		if ni.Attachment != nil && aws.ToInt32(ni.Attachment.DeviceIndex) == 0 {
			return aws.ToString(ni.NetworkInterfaceId), nil
		}
	}
	return "", fmt.Errorf("instance %s has no primary interface", id)
}

// readInstances fills each instance's state and interfaces from what EC2
// reports, so the truth holds the account's view and not the intent.
func readInstances(ctx context.Context, c clients, t *Truth) error {
	for i := range t.Instances {
		inst := &t.Instances[i]
		got, err := describeInstance(ctx, c, inst.ID)
		if err != nil {
			return err
		}
		if got.State != nil {
			inst.State = string(got.State.Name)
		}
		inst.Interfaces = interfacesFrom(got.NetworkInterfaces)
		if len(inst.Interfaces) == 0 {
			return fmt.Errorf("instance %s has no interface", inst.ID)
		}
		inst.IPv6 = inst.Interfaces[0].IPv6
		if inst.ElasticIP != "" &&
			aws.ToString(got.PublicIpAddress) != inst.ElasticIP {
			return fmt.Errorf("instance %s shows public address %q, not "+
				"its Elastic IP %s", inst.ID,
				aws.ToString(got.PublicIpAddress), inst.ElasticIP)
		}
	}
	return nil
}

// interfacesFrom converts EC2's interfaces, sorted by device index. IPv6
// addresses are written canonically: moto keeps leading zeros.
func interfacesFrom(list []types.InstanceNetworkInterface) []Interface {
	var out []Interface
	for _, ni := range list {
		i := Interface{
			ID:        aws.ToString(ni.NetworkInterfaceId),
			SubnetID:  aws.ToString(ni.SubnetId),
			PrivateIP: aws.ToString(ni.PrivateIpAddress),
		}
		if ni.Attachment != nil {
			i.DeviceIndex = int(aws.ToInt32(ni.Attachment.DeviceIndex))
		}
		for _, a := range ni.Ipv6Addresses {
			if addr, err := netip.ParseAddr(aws.ToString(a.Ipv6Address)); err == nil {
				i.IPv6 = addr.String()
				break
			}
		}
		out = append(out, i)
	}
	slices.SortFunc(out, func(a, b Interface) int {
		return a.DeviceIndex - b.DeviceIndex
	})
	return out
}
