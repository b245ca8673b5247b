package routes

import (
	"context"
	"fmt"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/ctim"
	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/observe"
	"github.com/aws-vpc-flow-relay/relay/pkg/relay"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// Sightings is the "sightings" part of an observe answer.
type Sightings struct {
	Count int             `json:"count"`
	Docs  []ctim.Sighting `json:"docs"`
}

// Observe serves POST /observe/observables: the flows each ip and ipv6
// observable took part in, as CTIM sightings.
func Observe(d Deps) relay.Endpoint {
	return relay.Endpoint{Path: "/observe/observables",
		Handle: func(ctx context.Context, c *relay.Call) (any, error) {
			addrs, s, err := readAddresses(c)
			if err != nil || len(addrs) == 0 {
				return answer(nil), err
			}
			acct, err := d.open(ctx, s)
			if err != nil {
				return nil, err
			}
			res, err := observe.Run(ctx, acct.Inventory(), acct.Flows(s.LogGroup),
				observeRequest(s, addrs, d.now()))
			if err != nil {
				return nil, fmt.Errorf("observe %d addresses in %s: %w",
					len(addrs), s.LogGroup, err)
			}
			report(c, res)
			return answer(res.Sightings), nil
		}}
}

// readAddresses decodes the body and the configuration. A body with no ip
// or ipv6 observable needs no configuration and gets an empty answer.
func readAddresses(c *relay.Call) ([]relay.Address, settings.Settings, error) {
	list, err := relay.DecodeObservables(c.Request.Body)
	if err != nil {
		return nil, settings.Settings{}, err
	}
	addrs, err := relay.Addresses(c, list)
	if err != nil || len(addrs) == 0 {
		return nil, settings.Settings{}, err
	}
	s, err := c.Settings()
	return addrs, s, err
}

// observeRequest builds the question package observe answers.
func observeRequest(s settings.Settings, addrs []relay.Address, now time.Time) observe.Request {
	subjects := make([]ctim.Observable, len(addrs))
	for i, a := range addrs {
		subjects[i] = ctim.Observable{Type: a.Type, Value: a.Value}
	}
	return observe.Request{
		Subjects: subjects,
		Now:      now,
		Lookback: time.Duration(s.Lookback) * 24 * time.Hour,
		Limits: observe.Limits{Total: s.Limit, Ingress: s.IngressFlows,
			Egress: s.EgressFlows},
		HideBlocked: s.HideBlocked,
		Networks:    s.Networks,
		Region:      s.Region,
		LogGroup:    s.LogGroup,
	}
}

// report logs what the search read and turns its warnings into warnings
// of the answer.
func report(c *relay.Call, res observe.Result) {
	for _, w := range res.Warnings {
		c.Warn(failure.Upstream, w)
	}
	for _, w := range res.Truncations {
		c.Warn(failure.Truncated, w)
	}
	n := res.Counts
	c.Log.Info().Int("requests", n.Requests).Int("events", n.Events).
		Int64("matched", n.Matched).Int64("nodata", n.NoData).
		Int64("skipdata", n.SkipData).Int64("malformed", n.Malformed).
		Int("windows_done", n.WindowsDone).Int("windows", n.Windows).
		Int64("evicted", res.Evicted).Int64("omitted", res.Omitted).
		Int("sightings", len(res.Sightings)).Msg("observe")
}

// answer wraps sightings in the observe answer's shape.
func answer(docs []ctim.Sighting) map[string]Sightings {
	if docs == nil {
		docs = []ctim.Sighting{}
	}
	return map[string]Sightings{"sightings": {Count: len(docs), Docs: docs}}
}
