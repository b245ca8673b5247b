package seed

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// dbStoppedAge is how long before Now the database instance stopped: its
// traffic ends on the third day of the lookback.
const dbStoppedAge = 53 * time.Hour

// instanceSpec is one instance to launch.
type instanceSpec struct {
	role, name string
	// subnet indexes t.Subnets; host is the last octet of the address.
	subnet int
	host   byte
	groups []string
}

// instanceSpecs lists the instances: a web server, an application server,
// an IPv6 API server and a database server.
var instanceSpecs = []instanceSpec{
	{RoleWeb, "web-1", 0, 10, []string{groupWeb, groupSSH}},
	{RoleApp, "app-1", 1, 20, []string{groupWeb}},
	{RoleIPv6, "api-v6-1", 0, 30, []string{groupWeb}},
	{RoleDB, "db-1", 1, 40, []string{groupDB, groupSSH}},
}

// launchInstances launches the instances and gives each its particular
// trait: an Elastic IP, a second interface, an IPv6 address, a stop.
func launchInstances(ctx context.Context, c clients, t *Truth) error {
	image, err := findImage(ctx, c)
	if err != nil {
		return err
	}
	for _, spec := range instanceSpecs {
		if err := launch(ctx, c, t, image, spec); err != nil {
			return fmt.Errorf("launch %s: %w", spec.name, err)
		}
	}
	traits := []func(context.Context, clients, *Truth) error{
		attachElasticIP, attachSecondInterface, assignIPv6, stopDatabase,
	}
	for _, trait := range traits {
		if err := trait(ctx, c, t); err != nil {
			return err
		}
	}
	return nil
}

// findImage returns the newest Amazon Linux 2 image for x86_64.
func findImage(ctx context.Context, c clients) (string, error) {
	out, err := c.ec2.DescribeImages(ctx, &ec2.DescribeImagesInput{
		Owners: []string{"amazon"},
		Filters: []types.Filter{{Name: aws.String("name"),
			Values: []string{"amzn2-ami-hvm-*-x86_64-gp2"}}},
	})
	if err != nil {
		return "", fmt.Errorf("describe Amazon Linux images: %w", err)
	}
	if len(out.Images) == 0 {
		return "", fmt.Errorf("no Amazon Linux 2 image in the region")
	}
	newest := slices.MaxFunc(out.Images, func(a, b types.Image) int {
		return strings.Compare(aws.ToString(a.CreationDate),
			aws.ToString(b.CreationDate))
	})
	return aws.ToString(newest.ImageId), nil
}

// launch runs one instance with a fixed private address.
func launch(
	ctx context.Context,
	c clients,
	t *Truth,
	image string,
	spec instanceSpec,
) error {
	subnet := t.Subnets[spec.subnet]
	ip := hostOf(netip.MustParsePrefix(t.VPC.CIDR),
		[]byte{publicThird, privateThird}[spec.subnet], spec.host)
	// The groups go to the primary interface, not the instance: AWS treats
	// both alike, and moto then lists each interface's own groups instead
	// of adding the instance's launch groups to every interface.
	out, err := c.ec2.RunInstances(ctx, &ec2.RunInstancesInput{
		ImageId:      aws.String(image),
		InstanceType: types.InstanceTypeT3Micro,
		MinCount:     aws.Int32(1),
		MaxCount:     aws.Int32(1),
		NetworkInterfaces: []types.InstanceNetworkInterfaceSpecification{{
			DeviceIndex:      aws.Int32(0),
			SubnetId:         aws.String(subnet.ID),
			PrivateIpAddress: aws.String(ip),
			Groups:           t.groupIDs(spec.groups...),
		}},
		TagSpecifications: tags(t, types.ResourceTypeInstance, spec.name),
	})
	if err != nil {
		return fmt.Errorf("run instance in %s: %w", subnet.ID, err)
	}
	inst := out.Instances[0]
	t.Instances = append(t.Instances, Instance{
		ID: aws.ToString(inst.InstanceId), Name: t.Prefix + spec.name,
		Role: spec.role, PrivateIP: ip,
		SecurityGroups: t.groupIDs(spec.groups...),
	})
	return nil
}

// instanceRef returns a pointer to the instance with the given role.
func (t *Truth) instanceRef(role string) *Instance {
	for i := range t.Instances {
		if t.Instances[i].Role == role {
			return &t.Instances[i]
		}
	}
	panic("seed: no instance with role " + role)
}

// attachElasticIP allocates an Elastic IP and associates it with the web
// server.
func attachElasticIP(ctx context.Context, c clients, t *Truth) error {
	web := t.instanceRef(RoleWeb)
	eip, err := c.ec2.AllocateAddress(ctx, &ec2.AllocateAddressInput{
		Domain:            types.DomainTypeVpc,
		TagSpecifications: tags(t, types.ResourceTypeElasticIp, "web-eip"),
	})
	if err != nil {
		return fmt.Errorf("allocate Elastic IP: %w", err)
	}
	if _, err := c.ec2.AssociateAddress(ctx, &ec2.AssociateAddressInput{
		AllocationId: eip.AllocationId, InstanceId: aws.String(web.ID),
	}); err != nil {
		return fmt.Errorf("associate Elastic IP with %s: %w", web.ID, err)
	}
	web.ElasticIP = aws.ToString(eip.PublicIp)
	web.AllocationID = aws.ToString(eip.AllocationId)
	return nil
}

// attachSecondInterface gives the application server a second interface
// in the public subnet.
func attachSecondInterface(ctx context.Context, c clients, t *Truth) error {
	app := t.instanceRef(RoleApp)
	ip := hostOf(netip.MustParsePrefix(t.VPC.CIDR), publicThird, 20)
	eni, err := c.ec2.CreateNetworkInterface(ctx, &ec2.CreateNetworkInterfaceInput{
		SubnetId:          aws.String(t.Subnets[0].ID),
		PrivateIpAddress:  aws.String(ip),
		Groups:            t.groupIDs(groupWeb),
		Description:       aws.String("app-1 management interface"),
		TagSpecifications: tags(t, types.ResourceTypeNetworkInterface, "app-1-mgmt"),
	})
	if err != nil {
		return fmt.Errorf("create second interface %s: %w", ip, err)
	}
	if _, err := c.ec2.AttachNetworkInterface(ctx, &ec2.AttachNetworkInterfaceInput{
		NetworkInterfaceId: eni.NetworkInterface.NetworkInterfaceId,
		InstanceId:         aws.String(app.ID),
		DeviceIndex:        aws.Int32(1),
	}); err != nil {
		return fmt.Errorf("attach second interface to %s: %w", app.ID, err)
	}
	return nil
}

// assignIPv6 gives the IPv6 server's primary interface the address ::30 of
// the public subnet. RunInstances could ask for it at launch, but moto
// ignores addresses asked for that way; AssignIpv6Addresses works on both.
func assignIPv6(ctx context.Context, c clients, t *Truth) error {
	inst := t.instanceRef(RoleIPv6)
	eni, err := primaryInterface(ctx, c, inst.ID)
	if err != nil {
		return err
	}
	addr := hostIn(netip.MustParsePrefix(t.Subnets[0].IPv6CIDR), 0x30)
	if _, err := c.ec2.AssignIpv6Addresses(ctx, &ec2.AssignIpv6AddressesInput{
		NetworkInterfaceId: aws.String(eni),
		Ipv6Addresses:      []string{addr},
	}); err != nil {
		return fmt.Errorf("assign %s to %s: %w", addr, eni, err)
	}
	return nil
}

// stopDatabase stops the database server and waits until it has stopped.
// Its records end dbStoppedAge before Now.
func stopDatabase(ctx context.Context, c clients, t *Truth) error {
	db := t.instanceRef(RoleDB)
	if _, err := c.ec2.StopInstances(ctx, &ec2.StopInstancesInput{
		InstanceIds: []string{db.ID},
	}); err != nil {
		return fmt.Errorf("stop %s: %w", db.ID, err)
	}
	if err := ec2.NewInstanceStoppedWaiter(c.ec2).Wait(ctx,
		&ec2.DescribeInstancesInput{InstanceIds: []string{db.ID}},
		settleTimeout); err != nil {
		return fmt.Errorf("wait for %s to stop: %w", db.ID, err)
	}
	db.StoppedAt = t.Now.Add(-dbStoppedAge)
	return nil
}
