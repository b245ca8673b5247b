package routes

import (
	"context"
	"fmt"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/awsacct"
	"github.com/aws-vpc-flow-relay/relay/pkg/relay"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// RelayVersion is the relay's version, as /version reports it.
const RelayVersion = "2.0.0"

// Deps are what the handlers share across calls.
type Deps struct {
	// Opener builds and caches the clients of monitored accounts.
	Opener *awsacct.Opener
	// Now returns the current time; nil means time.Now.
	Now func() time.Time
}

// now returns the current time from d.
func (d Deps) now() time.Time {
	if d.Now != nil {
		return d.Now()
	}
	return time.Now()
}

// account reads the call's module configuration and opens the account it
// names.
func (d Deps) account(ctx context.Context, c *relay.Call) (*awsacct.Account,
	settings.Settings, error) {
	s, err := c.Settings()
	if err != nil {
		return nil, settings.Settings{}, err
	}
	acct, err := d.open(ctx, s)
	return acct, s, err
}

// open opens the account s names, reusing the clients built for it before.
func (d Deps) open(ctx context.Context, s settings.Settings) (*awsacct.Account, error) {
	acct, err := d.Opener.Open(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("open account in %s: %w", s.Region, err)
	}
	return acct, nil
}

// All returns every route, for the local server.
func All(d Deps) []relay.Endpoint {
	return []relay.Endpoint{
		Health(d), Version(d), Watchdog(d), Observe(d), Deliberate(d),
		Refer(d), Tiles(d), Tile(d), TileData(d), Respond(d), Trigger(d),
	}
}

// Version serves POST /version: the relay's version, unwrapped.
func Version(Deps) relay.Endpoint {
	return relay.Endpoint{Path: "/version", Public: true, Unwrapped: true,
		Handle: func(context.Context, *relay.Call) (any, error) {
			return map[string]string{"version": RelayVersion}, nil
		}}
}

// Deliberate serves POST /deliberate/observables: flow logs carry no
// verdicts, so an authenticated call gets an empty answer.
func Deliberate(Deps) relay.Endpoint {
	return relay.Endpoint{Path: "/deliberate/observables",
		Handle: func(_ context.Context, c *relay.Call) (any, error) {
			if _, err := relay.DecodeObservables(c.Request.Body); err != nil {
				return nil, err
			}
			return map[string]any{}, nil
		}}
}
