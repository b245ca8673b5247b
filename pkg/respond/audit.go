package respond

import (
	"fmt"

	"github.com/rs/zerolog"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Outcomes of an action, as the audit line names them.
const (
	OutcomeIsolated  = "isolated"
	OutcomeRestored  = "restored"
	OutcomeUnchanged = "unchanged"
	OutcomeFailed    = "failed"
)

// Note is something the caller should read about an action that still
// ran, such as a recorded group that no longer exists.
type Note struct {
	Kind    failure.Kind
	Message string
}

// InterfaceAudit is the security groups of one interface before and
// after an action.
type InterfaceAudit struct {
	ID     string
	Before []string
	After  []string
}

// Audit is the record of one action: who asked for what on which
// instance, the groups of its interfaces before and after, and the
// outcome. The route writes it as one structured log line.
type Audit struct {
	Action       string
	Observable   string
	Caller       string
	InstanceID   string
	InstanceName string
	Interfaces   []InterfaceAudit
	Outcome      string
	Notes        []Note
	Err          error

	// state holds the groups each interface holds now, by interface id.
	state map[string][]string
	in    Instance
}

// newAudit starts the audit of an action on in.
func newAudit(action string, in Instance) Audit {
	a := Audit{Action: action, InstanceID: in.ID}
	a.reset(in)
	return a
}

// reset bases the audit on the instance as read again under the lock:
// its groups are the ones the action starts from.
func (a *Audit) reset(in Instance) {
	a.in, a.InstanceName = in, in.Name
	a.state = map[string][]string{}
	for _, i := range in.Interfaces {
		a.state[i.ID] = i.groupIDs()
	}
}

// note adds a note for the caller.
func (a *Audit) note(kind failure.Kind, format string, args ...any) {
	a.Notes = append(a.Notes, Note{Kind: kind, Message: fmt.Sprintf(format, args...)})
}

// finish sets the outcome and the groups of every interface before and
// after.
func (a *Audit) finish(outcome string, err error) {
	a.Outcome, a.Err = outcome, err
	a.Interfaces = nil
	for _, i := range a.in.Interfaces {
		a.Interfaces = append(a.Interfaces, InterfaceAudit{ID: i.ID,
			Before: i.groupIDs(), After: a.state[i.ID]})
	}
}

// fail finishes a failed action and returns its error.
func (a *Audit) fail(err error) (Audit, error) {
	a.finish(OutcomeFailed, err)
	return *a, err
}

// MarshalZerologObject writes the audit's fields. Err goes in whole: the
// log keeps the detail that the caller's message leaves out.
func (a Audit) MarshalZerologObject(e *zerolog.Event) {
	e.Str("action", a.Action).Str("observable", a.Observable).
		Str("caller", a.Caller).Str("instance_id", a.InstanceID).
		Str("instance_name", a.InstanceName).Str("outcome", a.Outcome)
	list := zerolog.Arr()
	for _, i := range a.Interfaces {
		list.Dict(zerolog.Dict().Str("id", i.ID).
			Strs("before", i.Before).Strs("after", i.After))
	}
	e.Array("interfaces", list)
	notes := zerolog.Arr()
	for _, n := range a.Notes {
		notes.Str(n.Message)
	}
	e.Array("notes", notes)
	if a.Err != nil {
		e.Str("error", a.Err.Error())
	}
}
