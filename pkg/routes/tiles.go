package routes

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws-vpc-flow-relay/relay/pkg/awsacct"
	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/relay"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
	"github.com/aws-vpc-flow-relay/relay/pkg/tiles"
)

// Tiles serves POST /tiles: the definitions of the dashboard tiles.
func Tiles(Deps) relay.Endpoint {
	return relay.Endpoint{Path: "/tiles",
		Handle: func(context.Context, *relay.Call) (any, error) {
			return tiles.All(), nil
		}}
}

// Tile serves POST /tiles/tile: the definition of the tile named by the
// body's tile_id.
func Tile(Deps) relay.Endpoint {
	return relay.Endpoint{Path: "/tiles/tile",
		Handle: func(_ context.Context, c *relay.Call) (any, error) {
			q, err := decodeTileQuery(c.Request.Body)
			if err != nil {
				return nil, err
			}
			return tiles.Find(q.TileID)
		}}
}

// TileData serves POST /tiles/tile-data: the data of the tile named by
// the body's tile_id over its period (the tile's default when absent).
func TileData(d Deps) relay.Endpoint {
	return relay.Endpoint{Path: "/tiles/tile-data",
		Handle: func(ctx context.Context, c *relay.Call) (any, error) {
			q, err := decodeTileQuery(c.Request.Body)
			if err != nil {
				return nil, err
			}
			def, err := tiles.Find(q.TileID)
			if err != nil {
				return nil, err
			}
			w, err := def.Period(q.Period, d.now())
			if err != nil {
				return nil, err
			}
			acct, s, err := d.account(ctx, c)
			if err != nil {
				return nil, err
			}
			t := tileRun{c: c, acct: acct, s: s, w: w}
			return tileBuilders[def.ID](ctx, t)
		}}
}

// tileQuery is the body of /tiles/tile and /tiles/tile-data.
type tileQuery struct {
	TileID string `json:"tile_id"`
	Period string `json:"period"`
}

// decodeTileQuery reads a tile request body; an empty body asks for no
// tile, which Find refuses.
func decodeTileQuery(body []byte) (tileQuery, error) {
	var q tileQuery
	if len(bytes.TrimSpace(body)) == 0 {
		return q, nil
	}
	if err := json.Unmarshal(body, &q); err != nil {
		return q, failure.Wrap(err, failure.InvalidArgument, "the request "+
			"body must be a JSON object with a string tile_id and period")
	}
	return q, nil
}

// tileRun is what building one tile's data needs.
type tileRun struct {
	c    *relay.Call
	acct *awsacct.Account
	s    settings.Settings
	w    tiles.Window
}

// tileBuilders builds each tile's data.
var tileBuilders = map[string]func(context.Context, tileRun) (any, error){
	tiles.IDSummary:    summaryData,
	tiles.IDEC2Details: ec2Data,
	tiles.IDVPCFlows:   flowData,
	tiles.IDIAMLogin:   loginData,
	tiles.IDIAMAPI:     apiData,
}

// summaryData counts the resources. Unavailable counts become warnings;
// only when every count fails does the tile fail.
func summaryData(ctx context.Context, t tileRun) (any, error) {
	counts := t.acct.Summary(ctx)
	items, problems := tiles.Summary(t.s.Region, counts)
	if len(problems) == len(counts) {
		return nil, fmt.Errorf("count resources in %s: %w", t.s.Region, counts[0].Err)
	}
	for _, p := range problems {
		t.c.Warn(failure.Upstream, p)
	}
	return tiles.NewData(t.w, items), nil
}

// ec2Data lists the instances as a markdown table.
func ec2Data(ctx context.Context, t tileRun) (any, error) {
	list, err := t.acct.Instances(ctx)
	if err != nil {
		return nil, fmt.Errorf("list instances in %s: %w", t.s.Region, err)
	}
	tiles.SortInstances(list)
	return tiles.NewData(t.w, tiles.EC2Table(t.s.Region, list)), nil
}

// flowData counts the flows of the period the way FLOW_TOTALS says:
// with Logs Insights (the default) or by reading the records.
func flowData(ctx context.Context, t tileRun) (any, error) {
	internal := tiles.Networks(t.s.Networks)
	if len(internal) == 0 {
		prefixes, err := t.acct.Inventory().Networks(ctx)
		if err != nil {
			return nil, fmt.Errorf("read the VPC ranges of %s: %w", t.s.Region, err)
		}
		internal = prefixes
	}
	if t.s.FlowTotals == settings.RecordTotals {
		return recordFlowData(ctx, t, internal)
	}
	return insightsFlowData(ctx, t, internal)
}

// insightsFlowData has Logs Insights count the flows; only the totals
// travel. A query that does not finish in time fails the tile.
func insightsFlowData(ctx context.Context, t tileRun, internal tiles.Networks) (
	any, error) {
	n, err := t.acct.CountFlowsInsights(ctx, t.s.LogGroup, t.w, internal)
	if err != nil {
		return nil, fmt.Errorf("count flows of %s with Logs Insights: %w",
			t.s.LogGroup, err)
	}
	tt := n.Totals
	t.c.Log.Info().Int("queries", n.Queries).
		Float64("records_scanned", n.RecordsScanned).
		Float64("records_matched", n.RecordsMatched).
		Float64("bytes_scanned", n.BytesScanned).
		Int64("ingress", tt.IngressAllowed+tt.IngressBlocked).
		Int64("egress", tt.EgressAllowed+tt.EgressBlocked).
		Msg("count flows with Logs Insights")
	return tt.Donut(t.w), nil
}

// recordFlowData reads and counts the records of the period, warning
// when the count is partial or many records did not fit the format.
func recordFlowData(ctx context.Context, t tileRun, internal tiles.Networks) (
	any, error) {
	n, err := t.acct.CountFlows(ctx, t.s.LogGroup, t.w, internal)
	if err != nil {
		return nil, fmt.Errorf("count flows of %s: %w", t.s.LogGroup, err)
	}
	if n.Partial() {
		t.c.Warn(failure.Upstream, fmt.Sprintf("counting flows ran out of "+
			"time after %d of %d parts of the period; the totals are partial",
			n.WindowsDone, n.Windows))
	}
	if m := n.Totals.Malformed; m > 0 && m*10 >= int64(n.Stats.Events) {
		t.c.Warn(failure.Upstream, fmt.Sprintf("%d of %d flow log records did "+
			"not fit the log group's flow log format and were skipped",
			m, n.Stats.Events))
	}
	tt := n.Totals
	t.c.Log.Info().Int("requests", n.Stats.Requests).Int("events", n.Stats.Events).
		Int64("internal", tt.Internal).Int64("external", tt.External).
		Int64("nodata", tt.NoData).Int64("skipdata", tt.SkipData).
		Int64("malformed", tt.Malformed).Msg("count flows")
	return tt.Donut(t.w), nil
}

// loginData charts the console users of the credential report.
func loginData(ctx context.Context, t tileRun) (any, error) {
	report, err := t.acct.CredentialReport(ctx)
	if err != nil {
		return nil, fmt.Errorf("read credential report: %w", err)
	}
	return tiles.Login(report, t.w.To).Chart(t.w), nil
}

// apiData charts the API-only users of the credential report.
func apiData(ctx context.Context, t tileRun) (any, error) {
	report, err := t.acct.CredentialReport(ctx)
	if err != nil {
		return nil, fmt.Errorf("read credential report: %w", err)
	}
	return tiles.API(report, t.w.To).Chart(t.w), nil
}
