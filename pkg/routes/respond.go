package routes

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"

	"github.com/aws-vpc-flow-relay/relay/pkg/awsacct"
	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/relay"
	"github.com/aws-vpc-flow-relay/relay/pkg/respond"
)

// Respond serves POST /respond/observables: for each ip and ipv6
// observable an EC2 instance holds, the action that fits it, isolate or
// un-isolate. Addresses no instance holds get no action; an address live
// instances in two VPCs hold gets none either, and a warning naming them.
func Respond(d Deps) relay.Endpoint {
	return relay.Endpoint{Path: "/respond/observables",
		Handle: func(ctx context.Context, c *relay.Call) (any, error) {
			addrs, s, err := readAddresses(c)
			if err != nil {
				return nil, err
			}
			actions := []respond.Action{}
			if len(addrs) == 0 {
				return actions, nil
			}
			acct, err := d.open(ctx, s)
			if err != nil {
				return nil, err
			}
			found, err := acct.Isolation().Instances(ctx, addrList(addrs))
			if err != nil {
				return nil, fmt.Errorf("find the instances of %d addresses: %w",
					len(addrs), err)
			}
			for _, a := range addrs {
				in, ok, err := respond.Pick(a.Value, found[a.Addr])
				if err != nil {
					c.Warn(failure.KindOf(err), failure.MessageOf(err))
					continue
				}
				if !ok {
					continue
				}
				if action, ok := respond.Offer(in, a.Type, a.Value); ok {
					actions = append(actions, action)
				}
			}
			return actions, nil
		}}
}

// addrList returns the parsed addresses of addrs.
func addrList(addrs []relay.Address) []netip.Addr {
	out := make([]netip.Addr, len(addrs))
	for i, a := range addrs {
		out[i] = a.Addr
	}
	return out
}

// Trigger serves POST /respond/trigger: it runs the action on the
// instance holding the observable and answers {"status": "success"} or
// {"status": "failure"}. A request that names no valid action is an
// invalid argument error. When the action itself fails, the failure
// status comes with the reason as an entry of "errors", which SecureX
// shows to the analyst; notes of an action that ran (a deleted group,
// an instance already isolated) come the same way.
func Trigger(d Deps) relay.Endpoint {
	return relay.Endpoint{Path: "/respond/trigger",
		Handle: func(ctx context.Context, c *relay.Call) (any, error) {
			t, err := readTrigger(c.Request)
			if err != nil {
				return nil, err
			}
			acct, s, err := d.account(ctx, c)
			if err != nil {
				return nil, err
			}
			audit, err := runTrigger(ctx, acct.Isolation(), t, s.Region)
			audit.Observable, audit.Caller = t.Value, caller(c)
			logAudit(c, audit)
			return status(c, audit, err), nil
		}}
}

// noSubject is the audit line's caller for a token without sub, email
// or user, as the configuration tokens SecureX signs may be.
const noSubject = "configuration token without sub"

// caller returns the best identity of the token for the audit line: its
// sub, else email, else user, else a fixed phrase, never "".
func caller(c *relay.Call) string {
	if s := c.Claims.Subject(); s != "" {
		return s
	}
	return noSubject
}

// triggerBody is a trigger's JSON body.
type triggerBody struct {
	ActionID        string `json:"action-id"`
	ObservableType  string `json:"observable_type"`
	ObservableValue string `json:"observable_value"`
}

// readTrigger reads the trigger's fields from the JSON body, or from the
// query string for those the body lacks, as SecureX sends them there.
func readTrigger(r *relay.Request) (respond.Trigger, error) {
	var body triggerBody
	if raw := bytes.TrimSpace(r.Body); len(raw) > 0 {
		if err := json.Unmarshal(raw, &body); err != nil {
			return respond.Trigger{}, failure.Wrap(err, failure.InvalidArgument,
				"the trigger body must be a JSON object with string fields "+
					"action-id, observable_type and observable_value")
		}
	}
	field := func(value, name string) string {
		if value != "" {
			return value
		}
		return r.Query.Get(name)
	}
	return respond.ParseTrigger(field(body.ActionID, "action-id"),
		field(body.ObservableType, "observable_type"),
		field(body.ObservableValue, "observable_value"))
}

// runTrigger finds the instance holding the observable and runs the
// action on it.
func runTrigger(ctx context.Context, iso *awsacct.Isolation, t respond.Trigger,
	region string) (respond.Audit, error) {
	audit := respond.Audit{Action: t.ActionID, Outcome: respond.OutcomeFailed}
	found, err := iso.Instances(ctx, []netip.Addr{t.Addr})
	if err != nil {
		audit.Err = fmt.Errorf("find the instance holding %s: %w", t.Value, err)
		return audit, audit.Err
	}
	in, ok, err := respond.Pick(t.Value, found[t.Addr])
	if err != nil {
		audit.Err = err
		return audit, err
	}
	if !ok {
		audit.Err = failure.New(failure.NotFound, "no EC2 instance in %s holds "+
			"%s; nothing was changed", region, t.Value)
		return audit, audit.Err
	}
	return respond.Run(ctx, iso, t.ActionID, in)
}

// logAudit writes the action's one audit line.
func logAudit(c *relay.Call, a respond.Audit) {
	ev := c.Log.Info()
	if a.Err != nil {
		ev = c.Log.Warn()
	}
	ev.EmbedObject(a).Msg("respond")
}

// status turns an action's outcome into the trigger's answer, its reason
// and notes into entries of "errors".
func status(c *relay.Call, a respond.Audit, err error) map[string]string {
	if err != nil {
		c.Warn(failure.KindOf(err), failure.MessageOf(err))
	}
	for _, n := range a.Notes {
		c.Warn(n.Kind, n.Message)
	}
	if err != nil {
		return map[string]string{"status": "failure"}
	}
	return map[string]string{"status": "success"}
}
