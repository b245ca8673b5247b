package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws-vpc-flow-relay/relay/localstack/seed"
	"github.com/aws-vpc-flow-relay/relay/pkg/auth"
)

// lookbackDays is the LOOKBACK the demo's module configuration asks for.
const lookbackDays = 7

// client sends signed requests to the relay, as SecureX does.
type client struct {
	url, secret, group, region string
	// roleARN, when set, is the role the relay assumes in the monitored
	// account, as the ROLE_ARN setting says.
	roleARN string
	// flowTotals, when set, is the FLOW_TOTALS setting: how the flow
	// tile counts.
	flowTotals string
}

// answer is the relay's answer shape, as far as the demo reads it.
type answer struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Type, Code, Message string
	} `json:"errors"`
	body []byte
}

// raw returns the whole answer as received.
func (a answer) raw() []byte { return a.body }

// sighting is the part of a sighting the demo prints.
type sighting struct {
	Count        int    `json:"count"`
	Resolution   string `json:"resolution"`
	ObservedTime struct {
		StartTime string `json:"start_time"`
		EndTime   string `json:"end_time"`
	} `json:"observed_time"`
	Relations []struct {
		Relation     string `json:"relation"`
		Related      struct{ Value string }
		RelationInfo map[string]any `json:"relation_info"`
	} `json:"relations"`
	Targets []struct {
		Observables []struct{ Type, Value string } `json:"observables"`
	} `json:"targets"`
}

// tour asks the relay the demo's questions and prints the answers.
func (c client) tour(ctx context.Context, out io.Writer, t *seed.Truth) error {
	if err := c.health(ctx, out); err != nil {
		return err
	}
	asks := []struct{ label, ip string }{
		{"a busy private IP", t.Demo.BusyPrivateIP},
		{"the Elastic IP", t.Demo.ElasticIP},
		{"the IPv6 address", t.Demo.IPv6},
		{"an IP that appears in no record", t.Demo.UnseenIP},
	}
	for _, a := range asks {
		if err := c.observe(ctx, out, t, a.label, a.ip); err != nil {
			return err
		}
	}
	if err := c.refer(ctx, out, t.Demo.ElasticIP); err != nil {
		return err
	}
	if err := c.respond(ctx, out, t.Demo.ElasticIP); err != nil {
		return err
	}
	return c.unauthenticated(ctx, out)
}

// health calls /health and prints the status.
func (c client) health(ctx context.Context, out io.Writer) error {
	a, err := c.post(ctx, "/health", nil, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "POST /health -> %s\n\n", strings.TrimSpace(string(a.raw())))
	return nil
}

// observe asks about one IP and prints its sightings beside the truth.
func (c client) observe(ctx context.Context, out io.Writer, t *seed.Truth, label, ip string) error {
	kind := "ip"
	if strings.Contains(ip, ":") {
		kind = "ipv6"
	}
	body := []map[string]string{{"type": kind, "value": ip},
		{"type": "domain", "value": "example.com"}}
	began := time.Now()
	a, err := c.post(ctx, "/observe/observables", body, true)
	if err != nil {
		return err
	}
	took := time.Since(began)
	var data struct {
		Sightings struct {
			Count int        `json:"count"`
			Docs  []sighting `json:"docs"`
		} `json:"sightings"`
	}
	if err := json.Unmarshal(a.Data, &data); err != nil {
		return fmt.Errorf("decode observe answer for %s: %w (%s)", ip, err, a.raw())
	}
	fmt.Fprintf(out, "POST /observe/observables for %s, %s (%s):\n", label, ip,
		took.Round(time.Millisecond))
	for _, e := range a.Errors {
		fmt.Fprintf(out, "  %s: %s: %s\n", e.Type, e.Code, e.Message)
	}
	printSightings(out, data.Sightings.Docs)
	compare(out, t, c.group, ip, data.Sightings.Docs)
	fmt.Fprintln(out)
	return nil
}

// printSightings prints the newest sightings as a table.
func printSightings(out io.Writer, docs []sighting) {
	records := 0
	for _, d := range docs {
		records += d.Count
	}
	fmt.Fprintf(out, "  %d sightings covering %d flow records", len(docs), records)
	if len(docs) > 0 && len(docs[0].Targets) > 0 {
		fmt.Fprintf(out, "; target: %s", targetLabel(docs[0]))
	}
	fmt.Fprintln(out)
	if len(docs) == 0 {
		return
	}
	w := tabwriter.NewWriter(out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(w, "  LAST SEEN\tRELATION\tPEER\tRESOLUTION\tFLOWS\tPORTS\tBYTES")
	for i, d := range docs {
		if i == 8 {
			fmt.Fprintf(w, "  ... %d more\n", len(docs)-8)
			break
		}
		r := d.Relations[0]
		fmt.Fprintf(w, "  %s\t%s\t%s\t%s\t%d\t%s\t%.0f\n", d.ObservedTime.EndTime,
			r.Relation, r.Related.Value, d.Resolution, d.Count,
			ports(r.RelationInfo["ports"]), r.RelationInfo["bytes"])
	}
	_ = w.Flush()
}

// ports prints at most five ports of a relation.
func ports(v any) string {
	list, _ := v.([]any)
	var out []string
	for i, p := range list {
		if i == 5 {
			out = append(out, fmt.Sprintf("+%d", len(list)-5))
			break
		}
		out = append(out, fmt.Sprint(p))
	}
	return strings.Join(out, " ")
}

// targetLabel names the instance a sighting targets.
func targetLabel(d sighting) string {
	var parts []string
	for _, o := range d.Targets[0].Observables {
		parts = append(parts, o.Type+" "+o.Value)
	}
	return strings.Join(parts, ", ")
}

// compare prints whether the answer holds what the seed wrote.
func compare(out io.Writer, t *seed.Truth, group, ip string, docs []sighting) {
	q, ok := t.Query(ip)
	if !ok {
		return
	}
	want := q.Lookback(group, lookbackDays)
	got := 0
	for _, d := range docs {
		got += d.Count
	}
	verdict := "matches"
	if got != want.Records || len(docs) != len(want.Peers) {
		verdict = "DIFFERS FROM"
	}
	fmt.Fprintf(out, "  %s the seed's ground truth: %d peer groups, %d records\n",
		verdict, len(want.Peers), want.Records)
}

// refer prints the console links for ip.
func (c client) refer(ctx context.Context, out io.Writer, ip string) error {
	a, err := c.post(ctx, "/refer/observables",
		[]map[string]string{{"type": "ip", "value": ip}}, true)
	if err != nil {
		return err
	}
	var refs []struct{ Title, URL string }
	if err := json.Unmarshal(a.Data, &refs); err != nil {
		return fmt.Errorf("decode refer answer: %w", err)
	}
	fmt.Fprintf(out, "POST /refer/observables for %s:\n", ip)
	for _, r := range refs {
		fmt.Fprintf(out, "  %s\n    %s\n", r.Title, r.URL)
	}
	fmt.Fprintln(out)
	return nil
}

// unauthenticated shows the error shape for a request without a token.
func (c client) unauthenticated(ctx context.Context, out io.Writer) error {
	a, err := c.post(ctx, "/observe/observables",
		[]map[string]string{{"type": "ip", "value": "10.0.0.1"}}, false)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "POST /observe/observables without a token -> %s\n", a.raw())
	return nil
}

// token signs a configuration token as SecureX does, valid for a minute.
func (c client) token() (string, error) {
	now := time.Now()
	claims := map[string]any{
		"aud": c.url, "iat": now.Unix(), "exp": now.Add(time.Minute).Unix(),
		"sub": "demo-analyst", "REGION": c.region, "LOG_GROUP": c.group,
		"LOOKBACK": lookbackDays, "TIME_ZONE": "UTC",
		"ACCESS_KEY": "AKIAEMULATORTEST0001", "SECRET_KEY": "test",
	}
	if c.roleARN != "" {
		claims["ROLE_ARN"] = c.roleARN
	}
	if c.flowTotals != "" {
		claims["FLOW_TOTALS"] = c.flowTotals
	}
	tok, err := auth.SignHS256([]byte(c.secret), claims)
	if err != nil {
		return "", fmt.Errorf("sign token: %w", err)
	}
	return tok, nil
}

// post sends one request and decodes the relay's answer.
// Signed requests carry a fresh configuration token.
func (c client) post(ctx context.Context, path string, body any, signed bool) (answer, error) {
	var buf bytes.Buffer
	if body != nil {
		if err := json.NewEncoder(&buf).Encode(body); err != nil {
			return answer{}, fmt.Errorf("encode body for %s: %w", path, err)
		}
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.url+path, &buf)
	if err != nil {
		return answer{}, fmt.Errorf("build request for %s: %w", path, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if signed {
		tok, err := c.token()
		if err != nil {
			return answer{}, err
		}
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return answer{}, fmt.Errorf("call %s: %w", path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return answer{}, fmt.Errorf("read answer of %s: %w", path, err)
	}
	var a answer
	if err := json.Unmarshal(raw, &a); err != nil {
		return answer{}, fmt.Errorf("decode answer of %s: %w", path, err)
	}
	a.body = raw
	return a, nil
}
