package routes_test

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/awsacct"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// The respond tests build their own instances and groups in the default
// VPC, each named with a prefix of its own, and never rely on the seeded
// account's groups. Groups are checked through DescribeNetworkInterfaces
// with a group-id filter, which matches an interface's own groups on AWS
// and in the emulator alike (the emulator's Groups lists add the
// instance's launch groups, which launch leaves empty).

// fixture is one test's view of the default VPC.
type fixture struct {
	t      *testing.T
	ec2    *ec2.Client
	prefix string
	vpc    string
	subnet string
	image  string
}

// newFixture prepares a test's resources, or skips without an emulator.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	needEmulator(t)
	cfg, err := config.LoadDefaultConfig(t.Context(), config.WithRegion("us-east-1"))
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, ec2: ec2.NewFromConfig(cfg),
		prefix: fmt.Sprintf("rsp%d-", time.Now().UnixNano()%1e10)}
	vpcs, err := f.ec2.DescribeVpcs(t.Context(), &ec2.DescribeVpcsInput{
		Filters: []types.Filter{{Name: aws.String("is-default"), Values: []string{"true"}}}})
	if err != nil || len(vpcs.Vpcs) == 0 {
		t.Fatalf("find the default VPC: %v", err)
	}
	f.vpc = aws.ToString(vpcs.Vpcs[0].VpcId)
	subnets, err := f.ec2.DescribeSubnets(t.Context(), &ec2.DescribeSubnetsInput{
		Filters: []types.Filter{{Name: aws.String("vpc-id"), Values: []string{f.vpc}}}})
	if err != nil || len(subnets.Subnets) == 0 {
		t.Fatalf("find a default subnet: %v", err)
	}
	f.subnet = aws.ToString(subnets.Subnets[0].SubnetId)
	images, err := f.ec2.DescribeImages(t.Context(), &ec2.DescribeImagesInput{
		Owners: []string{"amazon"}})
	if err != nil || len(images.Images) == 0 {
		t.Fatalf("find an image: %v", err)
	}
	f.image = aws.ToString(images.Images[0].ImageId)
	return f
}

// groups creates n security groups and deletes them after the test.
func (f *fixture) groups(n int) []string {
	f.t.Helper()
	var ids []string
	for i := range n {
		id := f.group(fmt.Sprintf("%sg%d", f.prefix, i))
		ids = append(ids, id)
		f.t.Cleanup(func() { f.deleteGroup(id) })
	}
	return ids
}

// group creates one security group. A retried call that finds the group
// already made by its first attempt uses that group.
func (f *fixture) group(name string) string {
	f.t.Helper()
	out, err := f.ec2.CreateSecurityGroup(f.t.Context(), &ec2.CreateSecurityGroupInput{
		GroupName: aws.String(name), Description: aws.String("respond test"),
		VpcId: aws.String(f.vpc)})
	if err == nil {
		return aws.ToString(out.GroupId)
	}
	found, ferr := f.ec2.DescribeSecurityGroups(f.t.Context(),
		&ec2.DescribeSecurityGroupsInput{Filters: []types.Filter{
			{Name: aws.String("group-name"), Values: []string{name}}}})
	if ferr != nil || len(found.SecurityGroups) != 1 {
		f.t.Fatalf("create group %s: %v", name, err)
	}
	return aws.ToString(found.SecurityGroups[0].GroupId)
}

// deleteGroup deletes a security group, ignoring errors.
func (f *fixture) deleteGroup(id string) {
	_, _ = f.ec2.DeleteSecurityGroup(context.Background(),
		&ec2.DeleteSecurityGroupInput{GroupId: aws.String(id)})
}

// instance is a launched test instance.
type instance struct {
	id, name, ip, eni string
}

// launch runs an instance with the groups and terminates it after the
// test, before its groups are deleted.
func (f *fixture) launch(name string, groups []string) instance {
	f.t.Helper()
	return f.launchIn(name, f.subnet, "", groups)
}

// launchIn runs an instance in a subnet, with a private address when ip
// is not "". The groups are given to its primary interface rather than
// the instance: the emulator then lists each interface's own groups, as
// AWS does, instead of adding the instance's launch groups to every one.
func (f *fixture) launchIn(name, subnet, ip string, groups []string) instance {
	f.t.Helper()
	nic := types.InstanceNetworkInterfaceSpecification{DeviceIndex: aws.Int32(0),
		SubnetId: aws.String(subnet), Groups: groups}
	if ip != "" {
		nic.PrivateIpAddress = aws.String(ip)
	}
	out, err := f.ec2.RunInstances(f.t.Context(), &ec2.RunInstancesInput{
		ImageId: aws.String(f.image), InstanceType: types.InstanceTypeT3Micro,
		MinCount: aws.Int32(1), MaxCount: aws.Int32(1),
		NetworkInterfaces: []types.InstanceNetworkInterfaceSpecification{nic},
		TagSpecifications: []types.TagSpecification{{ResourceType: types.ResourceTypeInstance,
			Tags: []types.Tag{{Key: aws.String("Name"), Value: aws.String(f.prefix + name)}}}},
	})
	if err != nil {
		f.t.Fatal(err)
	}
	i := out.Instances[0]
	in := instance{id: aws.ToString(i.InstanceId), name: f.prefix + name,
		ip: aws.ToString(i.PrivateIpAddress)}
	for _, ni := range i.NetworkInterfaces {
		if aws.ToInt32(ni.Attachment.DeviceIndex) == 0 {
			in.eni = aws.ToString(ni.NetworkInterfaceId)
		}
	}
	f.t.Cleanup(func() {
		_, _ = f.ec2.TerminateInstances(context.Background(),
			&ec2.TerminateInstancesInput{InstanceIds: []string{in.id}})
	})
	return in
}

// attach gives the instance a second interface with the groups and
// returns the interface id and its private address.
func (f *fixture) attach(in instance, groups []string) (string, string) {
	f.t.Helper()
	return f.attachAt(in, 1, groups)
}

// attachAt gives the instance an interface at a device index with the
// groups and returns the interface id and its private address.
func (f *fixture) attachAt(in instance, index int32, groups []string) (string, string) {
	f.t.Helper()
	out, err := f.ec2.CreateNetworkInterface(f.t.Context(), &ec2.CreateNetworkInterfaceInput{
		SubnetId: aws.String(f.subnet), Groups: groups})
	if err != nil {
		f.t.Fatal(err)
	}
	eni := aws.ToString(out.NetworkInterface.NetworkInterfaceId)
	if _, err := f.ec2.AttachNetworkInterface(f.t.Context(),
		&ec2.AttachNetworkInterfaceInput{NetworkInterfaceId: aws.String(eni),
			InstanceId: aws.String(in.id), DeviceIndex: aws.Int32(index)}); err != nil {
		f.t.Fatal(err)
	}
	return eni, aws.ToString(out.NetworkInterface.PrivateIpAddress)
}

// isolationGroup returns the default VPC's isolation group, as the relay
// makes it.
func (f *fixture) isolationGroup() string {
	f.t.Helper()
	acct, err := (&awsacct.Opener{}).Open(f.t.Context(), settings.Settings{
		Region: "us-east-1", AccessKey: "AKIAEMULATORTEST0001", SecretKey: "test"})
	if err != nil {
		f.t.Fatal(err)
	}
	g, err := acct.Isolation().IsolationGroup(f.t.Context(), f.vpc)
	if err != nil {
		f.t.Fatal(err)
	}
	return g.ID
}

// wantGroups checks that an interface holds exactly want among the
// candidate groups.
func (f *fixture) wantGroups(eni string, candidates, want []string) {
	f.t.Helper()
	var got []string
	for _, g := range candidates {
		out, err := f.ec2.DescribeNetworkInterfaces(f.t.Context(),
			&ec2.DescribeNetworkInterfacesInput{NetworkInterfaceIds: []string{eni},
				Filters: []types.Filter{{Name: aws.String("group-id"), Values: []string{g}}}})
		if err != nil {
			f.t.Fatal(err)
		}
		if len(out.NetworkInterfaces) == 1 {
			got = append(got, g)
		}
	}
	if !slices.Equal(slices.Sorted(slices.Values(got)), slices.Sorted(slices.Values(want))) {
		f.t.Errorf("interface %s holds %v, want %v", eni, got, want)
	}
}

// tags returns the instance's tags.
func (f *fixture) tags(id string) map[string]string {
	f.t.Helper()
	out, err := f.ec2.DescribeInstances(f.t.Context(),
		&ec2.DescribeInstancesInput{InstanceIds: []string{id}})
	if err != nil {
		f.t.Fatal(err)
	}
	m := map[string]string{}
	for _, t := range out.Reservations[0].Instances[0].Tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// recordTags returns the relay's record tags of an instance.
func (f *fixture) recordTags(id string) map[string]string {
	out := map[string]string{}
	for k, v := range f.tags(id) {
		if strings.HasPrefix(k, "SecureX-Isolation-Record-") || k == "Pre-Isolation-SG" {
			out[k] = v
		}
	}
	return out
}

// offered is an action of a respond answer.
type offered struct {
	ID, Title, Description string
	QueryParams            map[string]string `json:"query-params"`
}

// offers asks /respond/observables about one address.
func offers(t *testing.T, typ, ip string) []offered {
	t.Helper()
	r := call(t, "POST", "/respond/observables", observables(typ, ip), claims(nil))
	var list []offered
	if err := json.Unmarshal(r.Data, &list); err != nil || len(r.Errors) != 0 {
		t.Fatalf("respond for %s: %s", ip, r.raw)
	}
	return list
}

// wantOffer checks that the one action offered for ip is id and names
// the instance.
func wantOffer(t *testing.T, ip, id string, in instance) {
	t.Helper()
	list := offers(t, "ip", ip)
	if len(list) != 1 || list[0].ID != id || !strings.Contains(list[0].Title, in.name) ||
		!strings.Contains(list[0].Title, in.id) ||
		list[0].QueryParams["observable_value"] != ip {
		t.Errorf("got offers %+v, want %s naming %s", list, id, in.name)
	}
}

// trigger runs an action through the body and returns the status and
// the answer.
func trigger(t *testing.T, action, ip string) (string, reply) {
	t.Helper()
	body, _ := json.Marshal(map[string]string{"action-id": action,
		"observable_type": "ip", "observable_value": ip})
	r := call(t, "POST", "/respond/trigger", body,
		claims(map[string]any{"sub": "analyst-7"}))
	var data struct{ Status string }
	if err := json.Unmarshal(r.Data, &data); err != nil {
		t.Fatalf("trigger %s on %s: %s", action, ip, r.raw)
	}
	return data.Status, r
}

// wantStatus runs an action and checks its status and the message of its
// one error entry, if part is not empty.
func wantStatus(t *testing.T, action, ip, status, part string) {
	t.Helper()
	got, r := trigger(t, action, ip)
	if got != status {
		t.Fatalf("%s on %s: got %s, want status %s", action, ip, r.raw, status)
	}
	if part == "" && len(r.Errors) != 0 {
		t.Errorf("%s on %s: got %s, want no errors", action, ip, r.raw)
	}
	if part != "" && !mentions(r, part) {
		t.Errorf("%s on %s: got %s, want a message mentioning %q", action, ip, r.raw, part)
	}
}

// mentions reports whether an error entry of r mentions part.
func mentions(r reply, part string) bool {
	for _, e := range r.Errors {
		if strings.Contains(e.Message, part) {
			return true
		}
	}
	return false
}

func TestIsolateRoundTripOneInterface(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(2)
	in := f.launch("single", groups)
	wantOffer(t, in.ip, "isolate-instance", in)

	wantStatus(t, "isolate-instance", in.ip, "success", "")
	iso := f.isolationGroup()
	f.wantGroups(in.eni, append(groups, iso), []string{iso})
	wantOffer(t, in.ip, "un-isolate-instance", in)
	if len(f.recordTags(in.id)) != 1 {
		t.Errorf("got record %v, want one tag", f.recordTags(in.id))
	}
	wantAudit(t, in.id, "isolate-instance", "isolated")

	// SecureX sends the fields as query parameters, with a trailing slash.
	r := call(t, "POST", "/respond/trigger/?action-id=un-isolate-instance&"+
		"observable_type=ip&observable_value="+in.ip, nil, claims(nil))
	if string(r.Data) != `{"status":"success"}` || len(r.Errors) != 0 {
		t.Fatalf("un-isolate by query: %s", r.raw)
	}
	f.wantGroups(in.eni, append(groups, iso), groups)
	if len(f.recordTags(in.id)) != 0 {
		t.Errorf("got record %v after restore, want none", f.recordTags(in.id))
	}
	wantOffer(t, in.ip, "isolate-instance", in)
}

// wantAudit checks that the relay logged the action on the instance with
// the caller's identity.
func wantAudit(t *testing.T, id, action, outcome string) {
	t.Helper()
	for _, line := range strings.Split(relayLogs.String(), "\n") {
		var l struct {
			Message    string `json:"message"`
			Action     string `json:"action"`
			Caller     string `json:"caller"`
			Outcome    string `json:"outcome"`
			InstanceID string `json:"instance_id"`
			Interfaces []struct{ Before, After []string }
		}
		if json.Unmarshal([]byte(line), &l) == nil && l.Message == "respond" &&
			l.InstanceID == id && l.Action == action && l.Outcome == outcome &&
			l.Caller == "analyst-7" && len(l.Interfaces) > 0 &&
			len(l.Interfaces[0].Before) > 0 && len(l.Interfaces[0].After) > 0 {
			return
		}
	}
	t.Errorf("no audit line for %s on %s with outcome %s", action, id, outcome)
}

func TestIsolateEveryInterface(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(2)
	in := f.launch("dual", groups[:1])
	second, secondIP := f.attach(in, groups)
	eip, err := f.ec2.AllocateAddress(t.Context(), &ec2.AllocateAddressInput{
		Domain: types.DomainTypeVpc})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_, _ = f.ec2.ReleaseAddress(context.Background(),
			&ec2.ReleaseAddressInput{AllocationId: eip.AllocationId})
	})
	// Associated through the second interface, the address may name only
	// the interface (moto leaves the instance out), which still leads to
	// the instance.
	if _, err := f.ec2.AssociateAddress(t.Context(), &ec2.AssociateAddressInput{
		AllocationId: eip.AllocationId, NetworkInterfaceId: aws.String(second)}); err != nil {
		t.Fatal(err)
	}

	// The second interface's address finds the instance.
	wantStatus(t, "isolate-instance", secondIP, "success", "")
	iso := f.isolationGroup()
	all := append(slices.Clone(groups), iso)
	f.wantGroups(in.eni, all, []string{iso})
	f.wantGroups(second, all, []string{iso})

	// So does the Elastic IP.
	publicIP := aws.ToString(eip.PublicIp)
	wantOffer(t, publicIP, "un-isolate-instance", in)
	wantStatus(t, "un-isolate-instance", publicIP, "success", "")
	f.wantGroups(in.eni, all, groups[:1])
	f.wantGroups(second, all, groups)
}

func TestIsolateFifteenGroups(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(15)
	in := f.launch("fifteen", groups)
	wantStatus(t, "isolate-instance", in.ip, "success", "")
	record := f.recordTags(in.id)
	if len(record) < 2 {
		t.Errorf("got record %v, want it split over several tags", record)
	}
	for k, v := range record {
		if len(v) > 256 {
			t.Errorf("tag %s holds %d characters, over AWS's 256", k, len(v))
		}
	}
	iso := f.isolationGroup()
	f.wantGroups(in.eni, append(slices.Clone(groups), iso), []string{iso})
	wantStatus(t, "un-isolate-instance", in.ip, "success", "")
	f.wantGroups(in.eni, append(slices.Clone(groups), iso), groups)
}

func TestIsolateTwiceKeepsTheRecord(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(2)
	in := f.launch("twice", groups)
	wantStatus(t, "isolate-instance", in.ip, "success", "")
	before := f.recordTags(in.id)
	wantStatus(t, "isolate-instance", in.ip, "success", "already isolated")
	if got := f.recordTags(in.id); !mapsEqual(got, before) {
		t.Errorf("record changed from %v to %v", before, got)
	}
	wantStatus(t, "un-isolate-instance", in.ip, "success", "")
	f.wantGroups(in.eni, append(slices.Clone(groups), f.isolationGroup()), groups)
}

// mapsEqual compares two string maps.
func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestUnisolateNeverIsolated(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(1)
	in := f.launch("never", groups)
	wantStatus(t, "un-isolate-instance", in.ip, "success", "not isolated")
	f.wantGroups(in.eni, append(slices.Clone(groups), f.isolationGroup()), groups)
}

func TestUnisolateOldRelayTag(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(2)
	in := f.launch("legacy", groups)
	iso := f.isolationGroup()

	// Isolate the way the old relay did: one tag, the primary interface.
	if _, err := f.ec2.CreateTags(t.Context(), &ec2.CreateTagsInput{
		Resources: []string{in.id}, Tags: []types.Tag{{Key: aws.String("Pre-Isolation-SG"),
			Value: aws.String(groups[0] + "::" + groups[1] + "::")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ec2.ModifyNetworkInterfaceAttribute(t.Context(),
		&ec2.ModifyNetworkInterfaceAttributeInput{NetworkInterfaceId: aws.String(in.eni),
			Groups: []string{iso}}); err != nil {
		t.Fatal(err)
	}
	wantOffer(t, in.ip, "un-isolate-instance", in)
	wantStatus(t, "un-isolate-instance", in.ip, "success", "")
	f.wantGroups(in.eni, append(slices.Clone(groups), iso), groups)
	if len(f.recordTags(in.id)) != 0 {
		t.Errorf("got %v, want the old tag removed", f.recordTags(in.id))
	}
}

func TestGroupDeletedBeforeRestore(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(3)
	in := f.launch("deleted", groups[:2])
	alone := f.launch("deleted-all", groups[2:])
	wantStatus(t, "isolate-instance", in.ip, "success", "")
	wantStatus(t, "isolate-instance", alone.ip, "success", "")
	f.deleteGroup(groups[1])
	f.deleteGroup(groups[2])
	iso := f.isolationGroup()

	// One group survives: it is restored and the deleted one is named.
	wantStatus(t, "un-isolate-instance", in.ip, "success", groups[1])
	f.wantGroups(in.eni, []string{groups[0], iso}, groups[:1])
	if len(f.recordTags(in.id)) != 0 {
		t.Errorf("got record %v, want it removed", f.recordTags(in.id))
	}

	// None survives: the instance stays isolated, visibly.
	wantStatus(t, "un-isolate-instance", alone.ip, "failure", "stays isolated")
	f.wantGroups(alone.eni, []string{iso}, []string{iso})
	wantOffer(t, alone.ip, "un-isolate-instance", alone)
}

func TestStoppedInstance(t *testing.T) {
	f := newFixture(t)
	groups := f.groups(2)
	in := f.launch("stopped", groups)
	if _, err := f.ec2.StopInstances(t.Context(),
		&ec2.StopInstancesInput{InstanceIds: []string{in.id}}); err != nil {
		t.Fatal(err)
	}
	if err := ec2.NewInstanceStoppedWaiter(f.ec2).Wait(t.Context(),
		&ec2.DescribeInstancesInput{InstanceIds: []string{in.id}}, time.Minute); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, "isolate-instance", in.ip, "success", "")
	iso := f.isolationGroup()
	f.wantGroups(in.eni, append(slices.Clone(groups), iso), []string{iso})
	wantStatus(t, "un-isolate-instance", in.ip, "success", "")
	f.wantGroups(in.eni, append(slices.Clone(groups), iso), groups)
}

func TestTerminatedInstance(t *testing.T) {
	f := newFixture(t)
	in := f.launch("terminated", f.groups(1))
	if _, err := f.ec2.TerminateInstances(t.Context(),
		&ec2.TerminateInstancesInput{InstanceIds: []string{in.id}}); err != nil {
		t.Fatal(err)
	}
	got, r := trigger(t, "isolate-instance", in.ip)
	// AWS frees a terminated instance's address; the emulator keeps it
	// attached. Either way the answer is a clear failure.
	if got != "failure" || !(mentions(r, "terminated") || mentions(r, "no EC2 instance")) {
		t.Errorf("got %s, want a failure naming the terminated instance", r.raw)
	}
	if list := offers(t, "ip", in.ip); len(list) != 0 {
		t.Errorf("got offers %+v for a terminated instance, want none", list)
	}
}

func TestRespondUnknownIP(t *testing.T) {
	needEmulator(t)
	const ip = "192.0.2.77"
	if list := offers(t, "ip", ip); len(list) != 0 {
		t.Errorf("got %+v, want no action", list)
	}
	if list := offers(t, "ipv6", "2001:db8::77"); len(list) != 0 {
		t.Errorf("got %+v, want no action", list)
	}
	wantStatus(t, "isolate-instance", ip, "failure", "no EC2 instance")
	r := call(t, "POST", "/respond/observables",
		[]byte(`[{"type":"domain","value":"example.com"}]`), claims(nil))
	if string(r.Data) != "[]" {
		t.Errorf("got %s for a domain, want an empty list", r.raw)
	}
}

func TestBadTriggers(t *testing.T) {
	needEmulator(t)
	tests := []struct {
		name, query, body, want string
	}{
		{"not JSON", "", `{"action-id":`, "JSON object"},
		{"a list", "", `[]`, "JSON object"},
		{"a number field", "", `{"action-id":5}`, "JSON object"},
		{"no action", "", `{"observable_type":"ip","observable_value":"10.0.0.1"}`,
			"action-id"},
		{"unknown action", "", `{"action-id":"reboot-instance","observable_type":"ip",` +
			`"observable_value":"10.0.0.1"}`, "unknown action-id"},
		{"no value", "?action-id=isolate-instance&observable_type=ip", "",
			"observable_value"},
		{"unsupported type", "", `{"action-id":"isolate-instance",` +
			`"observable_type":"domain","observable_value":"example.com"}`, "not supported"},
		{"not an address", "?action-id=isolate-instance&observable_type=ip&" +
			"observable_value=10.0.0", "", "not an ip address"},
		{"empty body, no query", "", "", "action-id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := call(t, "POST", "/respond/trigger"+tt.query, []byte(tt.body), claims(nil))
			wantError(t, r, "invalid argument", tt.want)
		})
	}
}
