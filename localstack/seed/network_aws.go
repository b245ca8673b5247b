package seed

import (
	"context"
	"fmt"
	"net/netip"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// Subnet layout inside the VPC's 10.N.0.0/16.
const (
	publicThird  = 1 // 10.N.1.0/24
	privateThird = 2 // 10.N.2.0/24
)

// createSubnets creates a public and a private subnet in one availability
// zone (a second interface must share its instance's zone), each with an
// IPv4 /24 and an IPv6 /64.
func createSubnets(ctx context.Context, c clients, t *Truth) error {
	vpc4 := netip.MustParsePrefix(t.VPC.CIDR)
	vpc6 := netip.MustParsePrefix(t.VPC.IPv6CIDR)
	zone := t.Region + "a"
	for i, third := range []byte{publicThird, privateThird} {
		s := Subnet{
			Name:             map[bool]string{true: "public", false: "private"}[i == 0],
			CIDR:             hostOf(vpc4, third, 0) + "/24",
			IPv6CIDR:         subnet64(vpc6, byte(i)).String(),
			AvailabilityZone: zone,
			Public:           i == 0,
		}
		out, err := c.ec2.CreateSubnet(ctx, &ec2.CreateSubnetInput{
			VpcId:             aws.String(t.VPC.ID),
			CidrBlock:         aws.String(s.CIDR),
			Ipv6CidrBlock:     aws.String(s.IPv6CIDR),
			AvailabilityZone:  aws.String(zone),
			TagSpecifications: tags(t, types.ResourceTypeSubnet, s.Name),
		})
		if err != nil {
			return fmt.Errorf("create subnet %s: %w", s.CIDR, err)
		}
		s.ID = aws.ToString(out.Subnet.SubnetId)
		t.Subnets = append(t.Subnets, s)
	}
	return nil
}

// createInternetGateway attaches an internet gateway and routes the public
// subnet's IPv4 and IPv6 default routes to it.
func createInternetGateway(ctx context.Context, c clients, t *Truth) error {
	igw, err := c.ec2.CreateInternetGateway(ctx, &ec2.CreateInternetGatewayInput{
		TagSpecifications: tags(t, types.ResourceTypeInternetGateway, "igw"),
	})
	if err != nil {
		return fmt.Errorf("create internet gateway: %w", err)
	}
	t.VPC.InternetGatewayID = aws.ToString(igw.InternetGateway.InternetGatewayId)
	if _, err := c.ec2.AttachInternetGateway(ctx, &ec2.AttachInternetGatewayInput{
		InternetGatewayId: aws.String(t.VPC.InternetGatewayID),
		VpcId:             aws.String(t.VPC.ID),
	}); err != nil {
		return fmt.Errorf("attach internet gateway %s: %w",
			t.VPC.InternetGatewayID, err)
	}
	return routeSubnet(ctx, c, t, t.Subnets[0].ID, "public-routes",
		types.Route{GatewayId: aws.String(t.VPC.InternetGatewayID)})
}

// routeSubnet creates a route table whose default routes go to target,
// and associates it with a subnet. A target of NAT gateway gets the IPv4
// route only.
func routeSubnet(
	ctx context.Context,
	c clients,
	t *Truth,
	subnetID, name string,
	target types.Route,
) error {
	rt, err := c.ec2.CreateRouteTable(ctx, &ec2.CreateRouteTableInput{
		VpcId:             aws.String(t.VPC.ID),
		TagSpecifications: tags(t, types.ResourceTypeRouteTable, name),
	})
	if err != nil {
		return fmt.Errorf("create route table %s: %w", name, err)
	}
	id := rt.RouteTable.RouteTableId
	routes := []*ec2.CreateRouteInput{{RouteTableId: id,
		DestinationCidrBlock: aws.String("0.0.0.0/0"),
		GatewayId:            target.GatewayId, NatGatewayId: target.NatGatewayId}}
	if target.GatewayId != nil {
		routes = append(routes, &ec2.CreateRouteInput{RouteTableId: id,
			DestinationIpv6CidrBlock: aws.String("::/0"), GatewayId: target.GatewayId})
	}
	for _, r := range routes {
		if _, err := c.ec2.CreateRoute(ctx, r); err != nil &&
			!exists(err, "RouteAlreadyExists") {
			return fmt.Errorf("add default route to %s: %w", name, err)
		}
	}
	_, err = c.ec2.AssociateRouteTable(ctx, &ec2.AssociateRouteTableInput{
		RouteTableId: id, SubnetId: aws.String(subnetID),
	})
	if err != nil {
		return fmt.Errorf("associate %s with subnet %s: %w", name, subnetID, err)
	}
	return nil
}

// createNATGateway puts a NAT gateway with its own Elastic IP in the
// public subnet and routes the private subnet through it.
func createNATGateway(ctx context.Context, c clients, t *Truth) error {
	eip, err := c.ec2.AllocateAddress(ctx, &ec2.AllocateAddressInput{
		Domain:            types.DomainTypeVpc,
		TagSpecifications: tags(t, types.ResourceTypeElasticIp, "nat-eip"),
	})
	if err != nil {
		return fmt.Errorf("allocate NAT gateway address: %w", err)
	}
	out, err := c.ec2.CreateNatGateway(ctx, &ec2.CreateNatGatewayInput{
		SubnetId:          aws.String(t.Subnets[0].ID),
		AllocationId:      eip.AllocationId,
		TagSpecifications: tags(t, types.ResourceTypeNatgateway, "nat"),
	})
	if err != nil {
		return fmt.Errorf("create NAT gateway: %w", err)
	}
	id := aws.ToString(out.NatGateway.NatGatewayId)
	if err := ec2.NewNatGatewayAvailableWaiter(c.ec2).Wait(ctx,
		&ec2.DescribeNatGatewaysInput{NatGatewayIds: []string{id}},
		settleTimeout); err != nil {
		return fmt.Errorf("wait for NAT gateway %s: %w", id, err)
	}
	if err := readNATGateway(ctx, c, t, id); err != nil {
		return err
	}
	return routeSubnet(ctx, c, t, t.Subnets[1].ID, "private-routes",
		types.Route{NatGatewayId: aws.String(id)})
}

// readNATGateway records the NAT gateway's interface and addresses as EC2
// reports them.
func readNATGateway(ctx context.Context, c clients, t *Truth, id string) error {
	out, err := c.ec2.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{
		NatGatewayIds: []string{id},
	})
	if err != nil {
		return fmt.Errorf("describe NAT gateway %s: %w", id, err)
	}
	if len(out.NatGateways) != 1 || len(out.NatGateways[0].NatGatewayAddresses) == 0 {
		return fmt.Errorf("NAT gateway %s has no address", id)
	}
	a := out.NatGateways[0].NatGatewayAddresses[0]
	t.NATGateway = NATGateway{
		ID: id, SubnetID: t.Subnets[0].ID,
		InterfaceID: aws.ToString(a.NetworkInterfaceId),
		PrivateIP:   aws.ToString(a.PrivateIp),
		PublicIP:    aws.ToString(a.PublicIp),
	}
	if t.NATGateway.InterfaceID == "" || t.NATGateway.PrivateIP == "" {
		return fmt.Errorf("NAT gateway %s lacks an interface or private address", id)
	}
	inSubnetNATAddress(t)
	return nil
}

// natHost is the host number the records give a NAT gateway that the
// emulator placed outside its subnet.
const natHost = 250

// inSubnetNATAddress keeps the NAT gateway's private address inside its
// subnet, where AWS always puts it. moto draws one anywhere in 10.0.0.0/8,
// which can fall inside another VPC of the account and make the address
// internal to the relay while the truth calls it external; the records
// then use a host of the subnet instead, as AWS's would.
func inSubnetNATAddress(t *Truth) {
	subnet := netip.MustParsePrefix(t.Subnets[0].CIDR)
	if a, err := netip.ParseAddr(t.NATGateway.PrivateIP); err == nil && subnet.Contains(a) {
		return
	}
	t.NATGateway.PrivateIP = hostOf(netip.MustParsePrefix(t.VPC.CIDR), publicThird, natHost)
}
