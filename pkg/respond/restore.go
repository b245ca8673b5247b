package respond

import (
	"context"
	"strings"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Restore gives every recorded interface of in back its recorded groups,
// then removes the record. Groups deleted since are left out and named.
// When an interface that is still isolated has no recorded group left,
// nothing is changed: the instance stays isolated and the error says so,
// since opening it to groups it never had would be worse.
func Restore(ctx context.Context, ec2 EC2, in Instance) (Audit, error) {
	a := newAudit(ActionUnisolate, in)
	if in.Gone() {
		return a.fail(failure.New(failure.InvalidArgument,
			"instance %s is %s; there is nothing to restore", in.Label(), in.State))
	}
	rec, ok, err := ReadRecord(in)
	if err != nil {
		return a.fail(err)
	}
	if !ok {
		return notIsolated(in, a)
	}
	names, err := ec2.GroupNames(ctx, rec.groups())
	if err != nil {
		return a.fail(failure.Wrap(err, failure.KindOf(err), "could not look "+
			"up the recorded groups of %s: %s; nothing was changed",
			in.Label(), failure.MessageOf(err)))
	}
	changes, blockers := planRestore(in, rec, names, &a)
	if len(blockers) > 0 {
		return a.fail(failure.New(failure.NotFound, "could not restore %s: %s; "+
			"nothing was changed and the instance stays isolated; give the "+
			"interface groups by hand, then remove the %s tags", in.Label(),
			strings.Join(blockers, "; "), recordName(rec)))
	}
	if failed, err := apply(ctx, ec2, changes, &a); err != nil {
		return a.fail(restoreFailed(in, failed, err))
	}
	if err := ec2.DeleteTags(ctx, in.ID, rec.Keys); err != nil {
		a.note(failure.KindOf(err), "the groups of %s were restored, but its "+
			"record tags could not be removed (%s); remove %s by hand",
			in.Label(), failure.MessageOf(err), recordName(rec))
	}
	a.finish(OutcomeRestored, nil)
	return a, nil
}

// notIsolated answers for an instance without a record. If an interface
// still holds an isolation group, its groups are unknown and the caller
// is told so; otherwise there is nothing to do.
func notIsolated(in Instance, a Audit) (Audit, error) {
	var held []string
	for _, i := range in.Interfaces {
		if i.isolated() {
			held = append(held, i.ID)
		}
	}
	if len(held) > 0 {
		return a.fail(failure.New(failure.NotFound, "instance %s has no record "+
			"of its groups, but interfaces %s hold an isolation group; nothing "+
			"was changed; give them their groups by hand", in.Label(), list(held)))
	}
	a.note(failure.InvalidArgument,
		"instance %s is not isolated; nothing was changed", in.Label())
	a.finish(OutcomeUnchanged, nil)
	return a, nil
}

// planRestore returns the changes that restore in from rec, noting what
// is left out, and the reasons it cannot be restored at all.
func planRestore(in Instance, rec Record, names map[string]string,
	a *Audit) ([]change, []string) {
	var changes []change
	var blockers []string
	recorded := map[string]bool{}
	for _, e := range rec.Entries {
		recorded[e.InterfaceID] = true
		i, ok := in.iface(e.InterfaceID)
		if !ok {
			a.note(failure.NotFound, "interface %s was recorded but is no "+
				"longer attached to %s; skipped", e.InterfaceID, in.Label())
			continue
		}
		keep, gone := survivors(e.Groups, names)
		switch {
		case len(keep) > 0:
			changes = append(changes, change{iface: i.ID, from: i.groupIDs(), to: keep})
			if len(gone) > 0 {
				a.note(failure.NotFound, "security groups %s recorded for "+
					"interface %s no longer exist; it was restored without "+
					"them", list(gone), i.ID)
			}
		case i.isolated():
			blockers = append(blockers, "the groups recorded for interface "+
				i.ID+" ("+list(e.Groups)+") no longer exist or are isolation groups")
		default:
			a.note(failure.NotFound, "interface %s is no longer isolated and "+
				"none of its recorded groups exist; it was left as it is", i.ID)
		}
	}
	noteUnrecorded(in, recorded, a)
	return changes, blockers
}

// survivors splits recorded groups into those that exist and can be
// restored, and those deleted since. Isolation groups in a record (the
// old relay wrote them when isolating twice) are never restored.
func survivors(groups []string, names map[string]string) (keep, gone []string) {
	for _, g := range groups {
		name, ok := names[g]
		switch {
		case !ok:
			gone = append(gone, g)
		case !IsIsolationGroupName(name):
			keep = append(keep, g)
		}
	}
	return keep, gone
}

// noteUnrecorded names interfaces that hold an isolation group but are
// not in the record, so none is left isolated silently.
func noteUnrecorded(in Instance, recorded map[string]bool, a *Audit) {
	for _, i := range in.Interfaces {
		if !recorded[i.ID] && i.isolated() {
			a.note(failure.NotFound, "interface %s holds an isolation group "+
				"but has no recorded groups; it stays isolated", i.ID)
		}
	}
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
