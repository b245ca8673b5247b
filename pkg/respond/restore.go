package respond

import (
	"context"
	"slices"
	"strings"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Restore gives every recorded interface of in back its recorded groups,
// then removes the record. It holds the instance's lock throughout (see
// lock) and works on the instance as read under it. Groups deleted since
// are left out and named. When an interface that holds the isolation
// group would get no group back, nothing is changed: the instance stays
// isolated and the error says so, since opening it to groups it never
// had would be worse. A record that names malformed, repeated or foreign
// groups is damaged and changes nothing. After its writes it reads the
// instance again (see verify), and answers failure when an interface
// holds the isolation group then.
func Restore(ctx context.Context, ec2 EC2, in Instance) (Audit, error) {
	return locked(ctx, ec2, ActionUnisolate, in, restoreLocked)
}

// restoreLocked restores the instance of a, as read under the lock, and
// returns the outcome.
func restoreLocked(ctx context.Context, ec2 EC2, a *Audit) (string, error) {
	in := a.in
	if in.Gone() {
		return "", failure.New(failure.InvalidArgument,
			"instance %s is %s; there is nothing to restore", in.Label(), in.State)
	}
	rec, ok, err := ReadRecord(in)
	if err != nil {
		return "", err
	}
	if !ok {
		return notIsolated(in, a)
	}
	changes, err := restorePlan(ctx, ec2, in, rec, a)
	if err != nil {
		return "", err
	}
	if failed, err := apply(ctx, ec2, changes, a); err != nil {
		return "", restoreFailed(in, failed, err)
	}
	if err := ec2.DeleteTags(ctx, in.ID, rec.Keys); err != nil {
		a.note(failure.KindOf(err), "the groups of %s were restored, but its "+
			"record tags could not be removed (%s); remove %s by hand",
			in.Label(), failure.MessageOf(err), recordName(rec))
	}
	now, err := verify(ctx, ec2, in.ID, rec, a)
	if err != nil {
		return "", err
	}
	holds := Interface.holdsIsolation
	if back := changed(now, changes, holds); len(back) > 0 {
		return "", failure.New(failure.Upstream, "interfaces %s of %s hold "+
			"the isolation group again after they were restored; their "+
			"groups stay recorded; un-isolate again", list(back), in.Label())
	}
	return OutcomeRestored, nil
}

// restorePlan checks the record against the instance and the groups
// that exist, and returns the changes that restore in. Its error means
// nothing may be changed.
func restorePlan(ctx context.Context, ec2 EC2, in Instance, rec Record,
	a *Audit) ([]change, error) {
	if !slices.ContainsFunc(in.Interfaces, Interface.holdsIsolation) {
		return nil, failure.New(failure.InvalidArgument, "instance %s carries "+
			"an isolation record, but none of its interfaces holds the "+
			"isolation group, so it is not isolated and the record is "+
			"stale; nothing was changed; isolating it replaces the record",
			in.Label())
	}
	if err := checkGroupIDs(rec); err != nil {
		return nil, err
	}
	known, err := ec2.Groups(ctx, rec.groups())
	if err != nil {
		return nil, failure.Wrap(err, failure.KindOf(err), "could not look "+
			"up the recorded groups of %s: %s; nothing was changed",
			in.Label(), failure.MessageOf(err))
	}
	if err := checkVPCs(in, rec, known); err != nil {
		return nil, err
	}
	changes, blockers := planRestore(in, rec, known, a)
	if len(blockers) > 0 {
		return nil, failure.New(failure.NotFound, "could not restore %s: %s; "+
			"nothing was changed and the instance stays isolated; give the "+
			"interface groups by hand, then remove the %s tags", in.Label(),
			strings.Join(blockers, "; "), recordName(rec))
	}
	return changes, nil
}

// checkGroupIDs refuses a record whose groups are not security group ids
// or repeat within an entry.
func checkGroupIDs(rec Record) error {
	for _, e := range rec.Entries {
		for n, g := range e.Groups {
			if !isGroupID(g) {
				return damaged("interface %s has %.40q recorded, which is not "+
					"a security group id", e.InterfaceID, g)
			}
			if slices.Contains(e.Groups[:n], g) {
				return damaged("interface %s has group %s recorded twice",
					e.InterfaceID, g)
			}
		}
	}
	return nil
}

// isGroupID reports whether s reads as a security group id: "sg-" and
// lowercase hexadecimal digits.
func isGroupID(s string) bool {
	hex, ok := strings.CutPrefix(s, "sg-")
	return ok && hex != "" && strings.Trim(hex, "0123456789abcdef") == ""
}

// checkVPCs refuses a record that gives an attached interface a group of
// another VPC, which no interface can hold.
func checkVPCs(in Instance, rec Record, known map[string]Group) error {
	for _, e := range rec.Entries {
		i, ok := in.iface(e.InterfaceID)
		if !ok {
			continue
		}
		for _, id := range e.Groups {
			if g, ok := known[id]; ok && g.VPCID != i.VPCID {
				return damaged("group %s recorded for interface %s is in VPC "+
					"%q, not in the interface's %s", id, i.ID, g.VPCID, i.VPCID)
			}
		}
	}
	return nil
}

// notIsolated answers for an instance without a record. If an interface
// still holds an isolation group, its groups are unknown and the caller
// is told so; otherwise there is nothing to do.
func notIsolated(in Instance, a *Audit) (string, error) {
	var held []string
	for _, i := range in.Interfaces {
		if i.holdsIsolation() {
			held = append(held, i.ID)
		}
	}
	if len(held) > 0 {
		return "", failure.New(failure.NotFound, "instance %s has no record "+
			"of its groups, but interfaces %s hold an isolation group; nothing "+
			"was changed; give them their groups by hand", in.Label(), list(held))
	}
	a.note(failure.InvalidArgument,
		"instance %s is not isolated; nothing was changed", in.Label())
	return OutcomeUnchanged, nil
}

// planRestore returns the changes that restore in from rec, noting what
// is left out, and the reasons it cannot be restored at all: an
// interface that holds its isolation group and would get nothing back.
func planRestore(in Instance, rec Record, known map[string]Group,
	a *Audit) ([]change, []string) {
	var changes []change
	var blockers []string
	for _, e := range rec.Entries {
		i, ok := in.iface(e.InterfaceID)
		if !ok {
			a.note(failure.NotFound, "interface %s was recorded but is no "+
				"longer attached to %s; skipped", e.InterfaceID, in.Label())
			continue
		}
		keep, gone := survivors(i, e.Groups, known)
		switch {
		case len(keep) > 0:
			changes = append(changes, change{iface: i.ID, from: i.groupIDs(), to: keep})
			if len(gone) > 0 {
				a.note(failure.NotFound, "security groups %s recorded for "+
					"interface %s no longer exist; it was restored without "+
					"them", list(gone), i.ID)
			}
		case i.holdsIsolation():
			blockers = append(blockers, "the groups recorded for interface "+
				i.ID+" ("+list(e.Groups)+") no longer exist or are isolation groups")
		default:
			a.note(failure.NotFound, "interface %s is no longer isolated and "+
				"none of its recorded groups exist; it was left as it is", i.ID)
		}
	}
	return changes, append(blockers, unrecorded(in, rec)...)
}

// survivors splits the groups recorded for an interface into those that
// exist and can be restored, and those deleted since. The interface's
// isolation group in a record (the old relay wrote it when isolating
// twice) is never restored.
func survivors(i Interface, groups []string,
	known map[string]Group) (keep, gone []string) {
	for _, id := range groups {
		g, ok := known[id]
		switch {
		case !ok:
			gone = append(gone, id)
		case !i.isIsolation(g):
			keep = append(keep, id)
		}
	}
	return keep, gone
}

// unrecorded names the interfaces that hold their isolation group but
// have no groups in the record, so none is left isolated silently.
func unrecorded(in Instance, rec Record) []string {
	var out []string
	for _, i := range in.Interfaces {
		if i.holdsIsolation() && !slices.ContainsFunc(rec.Entries, func(e Entry) bool {
			return e.InterfaceID == i.ID
		}) {
			out = append(out, "interface "+i.ID+" holds the isolation group "+
				"but the record names no groups for it")
		}
	}
	return out
}

// recordName names the record's tags for a message.
func recordName(rec Record) string {
	if rec.Legacy {
		return LegacyTagKey
	}
	return recordPrefix + "*"
}

// restoreFailed returns the error of a restore that failed part way.
func restoreFailed(in Instance, failed []string, cause error) error {
	reason := failure.MessageOf(cause)
	if len(failed) > 0 {
		return failure.Wrap(cause, failure.KindOf(cause), "could not restore "+
			"%s: %s; interfaces %s could not be put back in isolation and "+
			"keep their restored groups; the record is kept, so un-isolating "+
			"again finishes the job", in.Label(), reason, list(failed))
	}
	return failure.Wrap(cause, failure.KindOf(cause), "could not restore %s: "+
		"%s; every interface was put back in isolation and the record is "+
		"kept; try again", in.Label(), reason)
}
