package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
)

// tileAnswer is the part of tile data the demo prints.
type tileAnswer struct {
	ObservedTime struct {
		StartTime string `json:"start_time"`
		EndTime   string `json:"end_time"`
	} `json:"observed_time"`
	Data json.RawMessage `json:"data"`
}

// tiles prints the data of the five dashboard tiles.
func (c client) tiles(ctx context.Context, out io.Writer) error {
	steps := []struct {
		id, period string
		show       func(io.Writer, json.RawMessage) error
	}{
		{"aws_summary", "last_hour", showMetrics},
		{"aws_ec2_details", "last_hour", showMarkdown},
		{"aws_vpc_flows", "last_24_hours", showDonut},
		{"aws_vpc_flows", "last_7_days", showDonut},
		{"aws_iam_login", "last_hour", showBars},
		{"aws_iam_api", "last_hour", showBars},
	}
	for _, s := range steps {
		if err := c.showTile(ctx, out, s.id, s.period, s.show); err != nil {
			return err
		}
	}
	return nil
}

// showTile asks for one tile's data and prints it with show. A tile that
// failed has errors and no data; its errors are printed and the tour goes
// on.
func (c client) showTile(ctx context.Context, out io.Writer, id, period string,
	show func(io.Writer, json.RawMessage) error) error {
	a, err := c.post(ctx, "/tiles/tile-data",
		map[string]string{"tile_id": id, "period": period}, true)
	if err != nil {
		return err
	}
	var d tileAnswer
	if len(a.Data) > 0 {
		if err := json.Unmarshal(a.Data, &d); err != nil {
			return fmt.Errorf("decode tile %s: %w (%s)", id, err, a.raw())
		}
	}
	fmt.Fprintf(out, "POST /tiles/tile-data %s, %s", id, period)
	if d.ObservedTime.StartTime != "" {
		fmt.Fprintf(out, " (%s to %s)", d.ObservedTime.StartTime, d.ObservedTime.EndTime)
	}
	fmt.Fprintln(out, ":")
	for _, e := range a.Errors {
		fmt.Fprintf(out, "  %s: %s: %s\n", e.Type, e.Code, e.Message)
	}
	if len(d.Data) > 0 {
		if err := show(out, d.Data); err != nil {
			return fmt.Errorf("show tile %s: %w", id, err)
		}
	}
	fmt.Fprintln(out)
	return nil
}

// showMetrics prints a metric group as label: value lines.
func showMetrics(out io.Writer, raw json.RawMessage) error {
	var items []struct {
		Label string `json:"label"`
		Value *int   `json:"value"`
	}
	if err := json.Unmarshal(raw, &items); err != nil {
		return fmt.Errorf("decode metrics: %w", err)
	}
	for _, m := range items {
		v := "unavailable"
		if m.Value != nil {
			v = fmt.Sprint(*m.Value)
		}
		fmt.Fprintf(out, "  %-16s %s\n", m.Label, v)
	}
	return nil
}

// showMarkdown prints the first lines of a markdown tile and its last.
func showMarkdown(out io.Writer, raw json.RawMessage) error {
	var lines []string
	if err := json.Unmarshal(raw, &lines); err != nil {
		return fmt.Errorf("decode markdown: %w", err)
	}
	const most = 8
	for i, l := range lines {
		if i == most && len(lines) > most+1 {
			fmt.Fprintf(out, "  (%d more lines)\n  %s\n", len(lines)-most-1,
				lines[len(lines)-1])
			break
		}
		fmt.Fprintln(out, "  "+l)
	}
	return nil
}

// showDonut prints each ring's allowed and blocked counts.
func showDonut(out io.Writer, raw json.RawMessage) error {
	var rings []struct {
		Key      int `json:"key"`
		Value    int `json:"value"`
		Segments []struct{ Key, Value int }
	}
	if err := json.Unmarshal(raw, &rings); err != nil {
		return fmt.Errorf("decode donut: %w", err)
	}
	names := []string{"Ingress", "Egress"}
	for _, r := range rings {
		if r.Key < 0 || r.Key >= len(names) || len(r.Segments) != 2 {
			return fmt.Errorf("unexpected ring %+v", r)
		}
		fmt.Fprintf(out, "  %-8s %6d flows: %d allowed, %d blocked\n", names[r.Key],
			r.Value, r.Segments[0].Value, r.Segments[1].Value)
	}
	return nil
}

// showBars prints a bar chart as labelled bars.
func showBars(out io.Writer, raw json.RawMessage) error {
	var bars []struct {
		Label string `json:"label"`
		Value int    `json:"value"`
	}
	if err := json.Unmarshal(raw, &bars); err != nil {
		return fmt.Errorf("decode bars: %w", err)
	}
	for _, b := range bars {
		fmt.Fprintf(out, "  %-32s %3d %s\n", b.Label, b.Value,
			strings.Repeat("#", min(b.Value, 40)))
	}
	return nil
}
