package respond

import (
	"slices"
	"strings"
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
// its VPC. Group names are unique within a VPC and an interface's groups
// are all in its VPC, so the exact name names one group, the one
// EC2.IsolationGroup finds or creates.
func (i Interface) isolated() bool {
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

// Isolated reports whether the instance carries an isolation record, in
// the relay's format or the old relay's. A damaged record counts, so that
// un-isolating is offered and explains the damage.
func (in Instance) Isolated() bool {
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
