package respond

import (
	"context"
	"crypto/rand"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Lock timing.
const (
	// lockTime is how long a lock holds before another action may take
	// it over: far longer than an action may run (API Gateway answers
	// within 29 seconds), so only a relay that stopped mid-action leaves
	// one that expires.
	lockTime = 2 * time.Minute
	// releaseTime bounds the release of a lock, which runs even when the
	// request's own time is up.
	releaseTime = 5 * time.Second
)

// LockExpiresTag is the tag of a lock group that holds its expiry, in
// RFC 3339 UTC.
const LockExpiresTag = "SecureX-Lock-Expires"

// LockOwnerTag is the tag of a lock group that holds a token drawn by the
// action that created it. A create the SDK retried after its answer was
// lost fails as a duplicate although the first attempt made the group;
// the token tells the action that the lock it finds is its own.
const LockOwnerTag = "SecureX-Lock-Owner"

// lockPrefix starts the name of a lock group; the instance id follows.
const lockPrefix = "SecureX-EC2_Isolation-Lock-"

// LockGroupName returns the name of the security group that marks an
// action under way on an instance. It never equals an isolation group's
// name, since instance ids and VPC ids differ in their prefix.
func LockGroupName(instanceID string) string { return lockPrefix + instanceID }

// LockGroup is a lock group as EC2.FindLock describes it.
type LockGroup struct {
	ID   string
	Tags map[string]string
}

// expires returns the lock's expiry, or false when its tag is missing or
// unreadable.
func (l LockGroup) expires() (time.Time, bool) {
	t, err := time.Parse(time.RFC3339, l.Tags[LockExpiresTag])
	return t, err == nil
}

// lock takes the instance's lock before an action changes anything, and
// returns the function that releases it.
//
// EC2 tags have no conditional write, but a security group's name is
// unique in its VPC: CreateSecurityGroup either makes the group or fails
// with InvalidGroup.Duplicate, atomically. So the action that creates
// SecureX-EC2_Isolation-Lock-<instance> in the instance's VPC holds the
// lock, and every other one is told the instance is busy until the
// group is deleted. The VPC is the primary interface's, which cannot
// change while the instance exists, so every action on an instance
// contends for the same name.
//
// A relay that stops mid-action (a Lambda timeout) leaves its lock
// behind; once the expiry tag it was created with has passed, the next
// action deletes that group and creates its own. It deletes by the id
// it just described, never by name: if another action took the lock
// over first, the id names a group that no longer exists and the fresh
// lock is left alone, and the second create fails as busy. Releasing
// deletes by id as well, so an action whose lock was taken over after
// expiry never removes its successor's.
func lock(ctx context.Context, ec2 EC2, in Instance, a *Audit) (func(*Audit), error) {
	vpc, name, owner := lockVPC(in), LockGroupName(in.ID), rand.Text()
	for attempt := 0; ; attempt++ {
		expiry := time.Now().Add(lockTime).UTC().Format(time.RFC3339)
		id, ok, err := ec2.CreateLock(ctx, vpc, name, []Tag{
			{Key: LockExpiresTag, Value: expiry}, {Key: LockOwnerTag, Value: owner}})
		if err != nil {
			return nil, lockFailed(in, err)
		}
		if !ok {
			id, ok, err = ownLock(ctx, ec2, in, vpc, name, owner)
		}
		if err != nil {
			return nil, err
		}
		if ok {
			return func(a *Audit) { release(ctx, ec2, id, a) }, nil
		}
		if attempt > 0 {
			return nil, busy(in)
		}
		if err := takeOver(ctx, ec2, in, vpc, name, a); err != nil {
			return nil, err
		}
	}
}

// ownLock reports whether the lock group of the name carries owner, and
// its id: the action's own create took effect although it failed as a
// duplicate.
func ownLock(ctx context.Context, ec2 EC2, in Instance, vpc, name,
	owner string) (string, bool, error) {
	held, found, err := ec2.FindLock(ctx, vpc, name)
	if err != nil {
		return "", false, lockFailed(in, err)
	}
	return held.ID, found && held.Tags[LockOwnerTag] == owner, nil
}

// maxLockAhead is the latest expiry a lock of the relay's can carry, with a
// minute allowed for clocks that disagree. A lock expiring later was not
// set by the relay, and waiting for it could block the instance for good,
// so it is taken over like an expired one.
const maxLockAhead = lockTime + time.Minute

// takeOver deletes the lock group of the name when it has expired, and
// answers busy when it has not. A lock released since is fine: the
// caller tries once more.
func takeOver(ctx context.Context, ec2 EC2, in Instance, vpc, name string,
	a *Audit) error {
	held, found, err := ec2.FindLock(ctx, vpc, name)
	if err != nil {
		return lockFailed(in, err)
	}
	if !found {
		return nil
	}
	expires, ok := held.expires()
	if !ok {
		return failure.New(failure.Upstream, "another isolation action on %s "+
			"is in progress; try again in a minute. If none is, delete the "+
			"security group %s (%s), which has no readable %s tag",
			in.Label(), name, held.ID, LockExpiresTag)
	}
	if now := time.Now(); now.Before(expires) && !expires.After(now.Add(maxLockAhead)) {
		return busy(in)
	}
	if err := ec2.DeleteLock(ctx, held.ID); err != nil {
		return lockFailed(in, err)
	}
	if expires.After(time.Now()) {
		a.note(failure.Upstream, "the lock %s on %s expires at %s, later "+
			"than any lock the relay sets; it was removed", held.ID, in.Label(),
			expires.Format(time.RFC3339))
		return nil
	}
	a.note(failure.Upstream, "an earlier action on %s stopped without "+
		"releasing its lock %s, which expired at %s; it was removed",
		in.Label(), held.ID, expires.Format(time.RFC3339))
	return nil
}

// release deletes the lock group by id, on a context of its own so that
// it runs even when the request's time is up. A lock that cannot be
// removed is noted: it expires by itself.
func release(ctx context.Context, ec2 EC2, id string, a *Audit) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), releaseTime)
	defer cancel()
	if err := ec2.DeleteLock(ctx, id); err != nil {
		a.note(failure.KindOf(err), "the lock group %s of %s could not be "+
			"removed (%s); other actions on it wait until it expires in two "+
			"minutes, or delete it by hand", id, a.in.Label(),
			failure.MessageOf(err))
	}
}

// busy returns the answer to an action on an instance another action
// holds.
func busy(in Instance) error {
	return failure.New(failure.Upstream, "another isolation action on %s is "+
		"in progress; try again in a minute; nothing was changed", in.Label())
}

// lockFailed returns the error of a lock that could not be taken.
func lockFailed(in Instance, err error) error {
	return failure.Wrap(err, failure.KindOf(err), "could not lock %s for "+
		"the action: %s; nothing was changed", in.Label(),
		failure.MessageOf(err))
}

// lockVPC returns the VPC of the instance's lock: its primary interface's,
// else its first interface's, else "" (EC2 then picks the default VPC).
func lockVPC(in Instance) string {
	if p, ok := in.primary(); ok {
		return p.VPCID
	}
	if len(in.Interfaces) > 0 {
		return in.Interfaces[0].VPCID
	}
	return ""
}

// locked runs an action under the instance's lock: it takes the lock,
// reads the instance again (what was read before may have changed until
// the lock was held), runs the action on what it read, and releases the
// lock whatever happens.
func locked(ctx context.Context, ec2 EC2, action string, in Instance,
	run func(context.Context, EC2, *Audit) (string, error)) (a Audit, err error) {
	a = newAudit(action, in)
	unlock, err := lock(ctx, ec2, in, &a)
	if err != nil {
		return a.fail(err)
	}
	defer func() { unlock(&a) }()
	now, err := ec2.Instance(ctx, in.ID)
	if err != nil {
		return a.fail(failure.Wrap(err, failure.KindOf(err), "could not read "+
			"%s again: %s; nothing was changed", in.Label(),
			failure.MessageOf(err)))
	}
	a.reset(now)
	outcome, err := run(ctx, ec2, &a)
	if err != nil {
		return a.fail(err)
	}
	a.finish(outcome, nil)
	return a, nil
}
