package respond

import (
	"slices"
	"strings"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// isolationPrefix starts the name of every isolation group; the VPC id
// follows. The old relay chose the name, so its groups are found too.
const isolationPrefix = "SecureX-EC2_Isolation-"

// IsolationGroupName returns the name of the isolation group of a VPC.
// Only the group of that exact name in that VPC is its isolation group: a
// group of the same prefix and another suffix is a user's own.
func IsolationGroupName(vpcID string) string { return isolationPrefix + vpcID }

// Group is a security group as an interface lists it, or as EC2.Groups
// describes it.
type Group struct {
	ID   string
	Name string
	// VPCID is the group's VPC. Interfaces list it empty: their groups
	// are always in their own VPC.
	VPCID string
}

// IsolationGroup is a VPC's isolation group as EC2.IsolationGroup
// prepared it.
type IsolationGroup struct {
	ID string
	// Revoked counts the rules found in an existing group and revoked;
	// the default outbound rule of a group just created is not counted.
	Revoked int
}

// Interface is one network interface attached to an instance.
type Interface struct {
	ID    string
	VPCID string
	// DeviceIndex is the attachment's index; 0 is the primary interface.
	DeviceIndex int32
	// Groups are the interface's security groups in the order EC2 lists
	// them.
	Groups []Group
}

// groupIDs returns the ids of the interface's groups.
func (i Interface) groupIDs() []string {
	ids := make([]string, len(i.Groups))
	for n, g := range i.Groups {
		ids[n] = g.ID
	}
	return ids
}

// isolated reports whether the interface holds the isolation group of
// its VPC and no other group: an interface that holds it beside another
// group still lets that group's traffic through. Group names are unique
// within a VPC and an interface's groups are all in its VPC, so the
// exact name names one group, the one EC2.IsolationGroup finds or
// creates.
func (i Interface) isolated() bool {
	return len(i.Groups) > 0 && !slices.ContainsFunc(i.Groups,
		func(g Group) bool { return !i.isIsolation(g) })
}

// holdsIsolation reports whether the isolation group is among the
// interface's groups, alone or not: such an interface has groups to
// restore.
func (i Interface) holdsIsolation() bool {
	return slices.ContainsFunc(i.Groups, i.isIsolation)
}

// isIsolation reports whether g is the isolation group of the
// interface's VPC.
func (i Interface) isIsolation(g Group) bool {
	return g.Name == IsolationGroupName(i.VPCID)
}

// Instance is what the actions need to know about an EC2 instance.
type Instance struct {
	ID    string
	Name  string
	State string
	// Interfaces are the attached interfaces, primary first.
	Interfaces []Interface
	// Tags holds the instance's tags by key.
	Tags map[string]string
}

// Label names the instance for people: its Name tag and id, or the id
// alone when it has no name.
func (in Instance) Label() string {
	if in.Name == "" {
		return in.ID
	}
	return in.Name + " (" + in.ID + ")"
}

// Gone reports whether the instance is terminated or being terminated,
// when its interfaces can no longer be changed.
func (in Instance) Gone() bool {
	return in.State == "terminated" || in.State == "shutting-down"
}

// Recorded reports whether the instance carries an isolation record, in
// the relay's format or the old relay's, damaged or not.
func (in Instance) Recorded() bool {
	if _, ok := in.Tags[LegacyTagKey]; ok {
		return true
	}
	for k := range in.Tags {
		if strings.HasPrefix(k, recordPrefix) {
			return true
		}
	}
	return false
}

// Isolated reports whether the instance is isolated: it carries a
// readable record and every interface holds its isolation group and no
// other. A damaged record counts too, so that un-isolating is offered
// and explains the damage. An interface that holds another group beside
// the isolation group, or none, makes the instance not isolated:
// isolating it again finishes the job.
func (in Instance) Isolated() bool {
	if !in.Recorded() {
		return false
	}
	if _, _, err := ReadRecord(in); err != nil {
		return true
	}
	return len(in.Interfaces) > 0 &&
		!slices.ContainsFunc(in.Interfaces, func(i Interface) bool {
			return !i.isolated()
		})
}

// iface returns the attached interface with the given id.
func (in Instance) iface(id string) (Interface, bool) {
	for _, i := range in.Interfaces {
		if i.ID == id {
			return i, true
		}
	}
	return Interface{}, false
}

// primary returns the interface at device index 0.
func (in Instance) primary() (Interface, bool) {
	for _, i := range in.Interfaces {
		if i.DeviceIndex == 0 {
			return i, true
		}
	}
	return Interface{}, false
}

// Pick returns the instance that holds an address among the instances
// found holding it. Terminated instances give way to a live one. It
// reports false when none was found. Its error, an invalid argument,
// means live instances in several VPCs hold the address (their ranges
// overlap), so the address does not say which one to act on; the error
// names them.
func Pick(value string, found []Instance) (Instance, bool, error) {
	live := slices.DeleteFunc(slices.Clone(found), Instance.Gone)
	switch {
	case len(found) == 0:
		return Instance{}, false, nil
	case len(live) == 0:
		return found[0], true, nil
	case len(live) == 1:
		return live[0], true, nil
	}
	labels := make([]string, len(live))
	for n, in := range live {
		labels[n] = in.Label()
	}
	slices.Sort(labels)
	return Instance{}, false, failure.New(failure.InvalidArgument,
		"address %s is held by several instances, %s, in VPCs whose ranges "+
			"overlap, so it does not name one; nothing was changed; act on "+
			"the instance in the EC2 console", value,
		strings.Join(labels, " and "))
}
