package respond

import (
	"net/netip"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// Action ids, as SecureX sends them back in a trigger.
const (
	ActionIsolate   = "isolate-instance"
	ActionUnisolate = "un-isolate-instance"
)

// Action is one response action offered for an observable.
type Action struct {
	ID          string      `json:"id"`
	Title       string      `json:"title"`
	Description string      `json:"description"`
	Categories  []string    `json:"categories"`
	QueryParams QueryParams `json:"query-params"`
}

// QueryParams are the parameters SecureX sends back when the analyst
// picks an action.
type QueryParams struct {
	ObservableType  string `json:"observable_type"`
	ObservableValue string `json:"observable_value"`
}

// Offer returns the action that fits in for the observable: un-isolate
// when it is isolated (see Instance.Isolated), isolate otherwise, which
// also finishes an isolation that stopped part way. A terminated
// instance gets no offer.
func Offer(in Instance, observableType, value string) (Action, bool) {
	if in.Gone() {
		return Action{}, false
	}
	a := Action{Categories: []string{"AWS", "EC2", "Isolation"},
		QueryParams: QueryParams{ObservableType: observableType,
			ObservableValue: value}}
	label := in.Label()
	if in.Isolated() {
		a.ID = ActionUnisolate
		a.Title = "Un-isolate EC2 instance " + label
		a.Description = "Give every network interface of " + label +
			" back the security groups recorded when it was isolated, " +
			"then remove the record."
		return a, true
	}
	a.ID = ActionIsolate
	a.Title = "Isolate EC2 instance " + label
	a.Description = "Record the security groups of every network interface " +
		"of " + label + " in its tags, then replace them with the isolation " +
		"group of its VPC, which allows no traffic."
	return a, true
}

// Trigger is a validated request to run an action.
type Trigger struct {
	ActionID string
	Type     string
	Value    string
	Addr     netip.Addr
}

// ParseTrigger checks the fields of a trigger request. Its error, an
// invalid argument, names the missing or wrong field.
func ParseTrigger(actionID, observableType, value string) (Trigger, error) {
	switch {
	case actionID == "":
		return Trigger{}, missing("action-id")
	case observableType == "":
		return Trigger{}, missing("observable_type")
	case value == "":
		return Trigger{}, missing("observable_value")
	case actionID != ActionIsolate && actionID != ActionUnisolate:
		return Trigger{}, failure.New(failure.InvalidArgument,
			"unknown action-id %.60q; the relay knows %s and %s",
			actionID, ActionIsolate, ActionUnisolate)
	case observableType != "ip" && observableType != "ipv6":
		return Trigger{}, failure.New(failure.InvalidArgument,
			"observable_type %.40q is not supported; use ip or ipv6",
			observableType)
	}
	addr, ok := parseAddr(observableType, value)
	if !ok {
		return Trigger{}, failure.New(failure.InvalidArgument,
			"observable_value %.60q is not an %s address", value, observableType)
	}
	return Trigger{ActionID: actionID, Type: observableType, Value: value,
		Addr: addr}, nil
}

// missing returns the error of a missing trigger field.
func missing(field string) error {
	return failure.New(failure.InvalidArgument,
		"the trigger needs %s, in the JSON body or the query string", field)
}

// parseAddr parses value as an address of the observable type; an
// IPv4-mapped IPv6 value is read as IPv4, and zones are refused.
func parseAddr(observableType, value string) (netip.Addr, bool) {
	addr, err := netip.ParseAddr(value)
	if err != nil || addr.Zone() != "" {
		return netip.Addr{}, false
	}
	if observableType == "ip" {
		return addr.Unmap(), addr.Unmap().Is4()
	}
	if addr.Is4In6() {
		return addr.Unmap(), true
	}
	return addr, addr.Is6()
}
