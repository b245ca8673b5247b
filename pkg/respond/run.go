package respond

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// rollbackTime bounds the undoing of a failed action. Undoing runs even
// when the request's own time is up, since an instance left half changed
// is worse than a late answer.
const rollbackTime = 10 * time.Second

// EC2 makes the changes of the actions in an account. Errors are in the
// failure vocabulary, with messages fit for the caller.
type EC2 interface {
	// Instance reads an instance again, so an action can verify what it
	// wrote.
	Instance(ctx context.Context, instanceID string) (Instance, error)
	// IsolationGroup returns the VPC's isolation group, creating it when
	// missing and revoking every inbound and outbound rule it holds. Its
	// error means the group could not be made to allow no traffic.
	IsolationGroup(ctx context.Context, vpcID string) (IsolationGroup, error)
	// Groups describes the groups among ids that exist, by id, with
	// their names and VPCs. Deleted groups are absent.
	Groups(ctx context.Context, ids []string) (map[string]Group, error)
	// SetGroups replaces the security groups of a network interface.
	SetGroups(ctx context.Context, interfaceID string, groups []string) error
	// PutTags adds or overwrites tags of an instance in one call.
	PutTags(ctx context.Context, instanceID string, tags []Tag) error
	// DeleteTags removes tags of an instance in one call.
	DeleteTags(ctx context.Context, instanceID string, keys []string) error
	// CreateLock creates a security group of the name in the VPC, tagged
	// as the relay's and with tags, and returns its id. It reports false,
	// and no error, when the VPC already holds a group of that name.
	CreateLock(ctx context.Context, vpcID, name string,
		tags []Tag) (string, bool, error)
	// FindLock describes the group of the name in the VPC. It reports
	// false when there is none.
	FindLock(ctx context.Context, vpcID, name string) (LockGroup, bool, error)
	// DeleteLock deletes a security group by id. A group deleted already
	// is not an error.
	DeleteLock(ctx context.Context, groupID string) error
}

// Run runs the action named by id on in.
func Run(ctx context.Context, ec2 EC2, id string, in Instance) (Audit, error) {
	if id == ActionUnisolate {
		return Restore(ctx, ec2, in)
	}
	return Isolate(ctx, ec2, in)
}

// change replaces the groups of one interface.
type change struct {
	iface    string
	from, to []string
}

// apply makes the changes in order and records them in a. When one fails
// it puts back the interfaces already changed, and returns the ids of
// those it could not put back with the error.
func apply(ctx context.Context, ec2 EC2, changes []change, a *Audit) ([]string, error) {
	for i, ch := range changes {
		if err := ec2.SetGroups(ctx, ch.iface, ch.to); err != nil {
			return undo(ctx, ec2, changes[:i], a),
				fmt.Errorf("set groups of %s: %w", ch.iface, err)
		}
		a.state[ch.iface] = ch.to
	}
	return nil, nil
}

// undo reverts done changes, newest first, trying every one, and returns
// the interfaces it could not revert.
func undo(ctx context.Context, ec2 EC2, done []change, a *Audit) []string {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), rollbackTime)
	defer cancel()
	var failed []string
	for i := len(done) - 1; i >= 0; i-- {
		ch := done[i]
		if err := ec2.SetGroups(ctx, ch.iface, ch.from); err != nil {
			failed = append(failed, ch.iface)
			a.note(failure.Upstream, "could not put back interface %s: %s",
				ch.iface, failure.MessageOf(err))
			continue
		}
		a.state[ch.iface] = ch.from
	}
	return failed
}

// list joins ids for a message.
func list(ids []string) string { return strings.Join(ids, ", ") }
