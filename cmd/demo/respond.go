package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// respond shows the response actions on the instance holding ip: the
// action offered, isolation, the un-isolate then offered, and the
// restore, with the security groups of every interface at each step.
func (c client) respond(ctx context.Context, out io.Writer, ip string) error {
	cfg, err := config.LoadDefaultConfig(ctx, config.WithRegion(c.region))
	if err != nil {
		return fmt.Errorf("load AWS configuration: %w", err)
	}
	v := groupViewer{ec2: ec2.NewFromConfig(cfg)}
	steps := []func() error{
		func() error { return v.print(ctx, out, ip, "Before") },
		func() error { return c.offer(ctx, out, ip) },
		func() error { return c.trigger(ctx, out, "isolate-instance", ip) },
		func() error { return v.print(ctx, out, ip, "Isolated") },
		func() error { return c.offer(ctx, out, ip) },
		func() error { return c.trigger(ctx, out, "un-isolate-instance", ip) },
		func() error { return v.print(ctx, out, ip, "Restored") },
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	fmt.Fprintln(out)
	return nil
}

// offer prints the actions /respond/observables offers for ip.
func (c client) offer(ctx context.Context, out io.Writer, ip string) error {
	a, err := c.post(ctx, "/respond/observables",
		[]map[string]string{{"type": "ip", "value": ip}}, true)
	if err != nil {
		return err
	}
	var actions []struct{ ID, Title string }
	if err := json.Unmarshal(a.Data, &actions); err != nil {
		return fmt.Errorf("decode respond answer for %s: %w (%s)", ip, err, a.raw())
	}
	fmt.Fprintf(out, "POST /respond/observables for %s offers:\n", ip)
	for _, act := range actions {
		fmt.Fprintf(out, "  %s: %s\n", act.ID, act.Title)
	}
	return nil
}

// trigger runs one action on ip and prints the answer.
func (c client) trigger(ctx context.Context, out io.Writer, action, ip string) error {
	a, err := c.post(ctx, "/respond/trigger", map[string]string{
		"action-id": action, "observable_type": "ip", "observable_value": ip}, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "POST /respond/trigger %s -> %s\n", action,
		strings.TrimSpace(string(a.raw())))
	return nil
}

// groupViewer reads the security groups each interface of an instance
// holds. It asks, group by group of the VPC, which interfaces of the
// instance hold it: that answer is exact on AWS and in the emulator,
// whose interface descriptions also list the instance's launch groups.
type groupViewer struct{ ec2 *ec2.Client }

// print prints the groups of every interface of the instance holding ip
// and its isolation record tags.
func (v groupViewer) print(ctx context.Context, out io.Writer, ip, label string) error {
	inst, err := v.instance(ctx, ip)
	if err != nil {
		return err
	}
	held, err := v.held(ctx, inst)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "%s, the groups of %s:\n", label, aws.ToString(inst.InstanceId))
	for _, ni := range inst.NetworkInterfaces {
		id := aws.ToString(ni.NetworkInterfaceId)
		fmt.Fprintf(out, "  %s (device %d): %s\n", id,
			aws.ToInt32(ni.Attachment.DeviceIndex), strings.Join(held[id], ", "))
	}
	for _, t := range inst.Tags {
		if k := aws.ToString(t.Key); strings.HasPrefix(k, "SecureX-Isolation-Record-") {
			fmt.Fprintf(out, "  tag %s = %s\n", k, aws.ToString(t.Value))
		}
	}
	return nil
}

// instance describes the instance holding ip as a private or Elastic IP.
func (v groupViewer) instance(ctx context.Context, ip string) (types.Instance, error) {
	var id string
	nis, err := v.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{
		Filters: []types.Filter{{Name: aws.String("addresses.private-ip-address"),
			Values: []string{ip}}}})
	if err != nil {
		return types.Instance{}, fmt.Errorf("find the interface of %s: %w", ip, err)
	}
	for _, ni := range nis.NetworkInterfaces {
		if ni.Attachment != nil {
			id = aws.ToString(ni.Attachment.InstanceId)
		}
	}
	if id == "" {
		eips, err := v.ec2.DescribeAddresses(ctx, &ec2.DescribeAddressesInput{
			PublicIps: []string{ip}})
		if err != nil {
			return types.Instance{}, fmt.Errorf("find the Elastic IP %s: %w", ip, err)
		}
		for _, a := range eips.Addresses {
			id = aws.ToString(a.InstanceId)
		}
	}
	if id == "" {
		return types.Instance{}, fmt.Errorf("no instance holds %s", ip)
	}
	out, err := v.ec2.DescribeInstances(ctx, &ec2.DescribeInstancesInput{
		InstanceIds: []string{id}})
	if err != nil {
		return types.Instance{}, fmt.Errorf("describe %s: %w", id, err)
	}
	return out.Reservations[0].Instances[0], nil
}

// held returns "name (id)" of the groups each interface holds, by
// interface id.
func (v groupViewer) held(ctx context.Context,
	inst types.Instance) (map[string][]string, error) {
	groups, err := v.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{
		Filters: []types.Filter{{Name: aws.String("vpc-id"),
			Values: []string{aws.ToString(inst.VpcId)}}}})
	if err != nil {
		return nil, fmt.Errorf("list the groups of %s: %w", aws.ToString(inst.VpcId), err)
	}
	out := map[string][]string{}
	for _, g := range groups.SecurityGroups {
		nis, err := v.ec2.DescribeNetworkInterfaces(ctx, &ec2.DescribeNetworkInterfacesInput{
			Filters: []types.Filter{
				{Name: aws.String("attachment.instance-id"),
					Values: []string{aws.ToString(inst.InstanceId)}},
				{Name: aws.String("group-id"),
					Values: []string{aws.ToString(g.GroupId)}},
			}})
		if err != nil {
			return nil, fmt.Errorf("find the holders of %s: %w", aws.ToString(g.GroupId), err)
		}
		for _, ni := range nis.NetworkInterfaces {
			id := aws.ToString(ni.NetworkInterfaceId)
			out[id] = append(out[id], fmt.Sprintf("%s (%s)",
				aws.ToString(g.GroupName), aws.ToString(g.GroupId)))
		}
	}
	for id := range out {
		slices.Sort(out[id])
	}
	return out, nil
}
