package routes

import (
	"context"
	"fmt"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/relay"
)

// Health serves POST /health: it reaches AWS with the caller's
// configuration and names what failed.
func Health(d Deps) relay.Endpoint {
	return relay.Endpoint{Path: "/health",
		Handle: func(ctx context.Context, c *relay.Call) (any, error) {
			acct, s, err := d.account(ctx, c)
			if err != nil {
				return nil, err
			}
			if err := acct.Health(ctx, s.LogGroup); err != nil {
				return nil, fmt.Errorf("check health of %s: %w", s.LogGroup, err)
			}
			return map[string]string{"status": "ok"}, nil
		}}
}

// Watchdog serves GET /watchdog: it echoes the Health-Check header, so a
// load balancer can tell the function answers.
func Watchdog(Deps) relay.Endpoint {
	return relay.Endpoint{Method: "GET", Path: "/watchdog", Public: true,
		Handle: func(_ context.Context, c *relay.Call) (any, error) {
			v := c.Request.Header.Get("Health-Check")
			if v == "" {
				return nil, failure.New(failure.HealthCheck,
					"the Health-Check header is missing")
			}
			return v, nil
		}}
}
