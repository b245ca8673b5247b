package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/aws-vpc-flow-relay/relay/localstack/seed"
	"github.com/aws-vpc-flow-relay/relay/pkg/boot"
	"github.com/aws-vpc-flow-relay/relay/pkg/localhttp"
	"github.com/aws-vpc-flow-relay/relay/pkg/routes"
)

// run seeds, serves and asks.
func run(ctx context.Context, out io.Writer, records int) error {
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return fmt.Errorf("load AWS configuration: %w", err)
	}
	fmt.Fprintf(out, "Seeding %d flow records into the emulator at %s ...\n",
		records, os.Getenv("AWS_ENDPOINT_URL"))
	began := time.Now()
	truth, err := seed.Run(ctx, cfg, seed.Options{Records: records, Seed: 7,
		Prefix: fmt.Sprintf("demo%d-", time.Now().Unix()%1e9)})
	if err != nil {
		return fmt.Errorf("seed the emulator: %w", err)
	}
	fmt.Fprintf(out, "Seeded VPC %s with %d instances in %s.\n\n", truth.VPC.ID,
		len(truth.Instances), time.Since(began).Round(time.Millisecond))

	secret := randomSecret()
	url, logPath, stopRelay, err := startRelay(secret)
	if err != nil {
		return err
	}
	defer stopRelay()
	fmt.Fprintf(out, "Relay listening on %s (its log: %s)\n\n", url, logPath)

	c := client{url: url, secret: secret, group: truth.CustomGroup().Name,
		region: truth.Region}
	if err := c.tour(ctx, out, truth); err != nil {
		return err
	}
	return showTiles(ctx, out, cfg, c)
}

// showTiles seeds a second account with what the dashboard tiles count
// (many instances and APIs, IAM users, flow records) and prints the tiles
// the relay serves for it, reaching the account through ROLE_ARN and
// counting flows by their records.
func showTiles(ctx context.Context, out io.Writer, cfg aws.Config, c client) error {
	account, err := seed.NewAccountID()
	if err != nil {
		return err
	}
	assumed, role, err := seed.AssumeAccount(ctx, cfg, account, "vpc-flow-relay-demo")
	if err != nil {
		return fmt.Errorf("reach the tiles account: %w", err)
	}
	fmt.Fprintf(out, "\nSeeding account %s for the dashboard tiles ...\n", account)
	began := time.Now()
	truth, err := seed.Tiles(ctx, assumed, seed.TileOptions{Prefix: "demo-"})
	if err != nil {
		return fmt.Errorf("seed the tiles account: %w", err)
	}
	fmt.Fprintf(out, "Seeded %d instances, %d REST APIs and %d IAM users in %s;\n"+
		"the relay reaches them with ROLE_ARN=%s.\n\n", truth.Counts.Instances,
		truth.Counts.RESTAPIs, truth.IAM.ConsoleUsers+truth.IAM.APIUsers,
		time.Since(began).Round(time.Millisecond), role)
	// The emulator cannot run Logs Insights queries (it ignores parse,
	// filter and stats), so the flow tile reads and counts the records.
	fmt.Fprint(out, "The emulator cannot run Logs Insights queries, so the "+
		"flow tile counts\nthe records (FLOW_TOTALS=records); on AWS the default "+
		"has Insights count them.\nThe emulator cannot age users or keys "+
		"either, so the 180-day counts of the IAM\ntiles are 0 here; the "+
		"tests check them with the relay's clock moved forward.\n\n")
	c.group, c.roleARN, c.flowTotals = truth.LogGroup, role, "records"
	return c.tiles(ctx, out)
}

// startRelay serves every route on a loopback port, through the same
// handlers as the Lambda functions, logging to a file.
func startRelay(secret string) (string, string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", "", nil, fmt.Errorf("listen on loopback: %w", err)
	}
	url := "http://" + ln.Addr().String()
	if err := os.MkdirAll(".cache", 0o755); err != nil {
		return "", "", nil, fmt.Errorf("make .cache: %w", err)
	}
	logPath := filepath.Join(".cache", "demo-relay.log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return "", "", nil, fmt.Errorf("create relay log: %w", err)
	}
	r, err := boot.New(boot.Env{RelayURL: url, Secret: secret, LogLevel: "info"}, logFile)
	if err != nil {
		return "", "", nil, fmt.Errorf("build relay: %w", err)
	}
	srv := localhttp.NewServer(r.Router(routes.All(r.Deps)...))
	go func() { _ = srv.Serve(ln) }()
	stop := func() {
		_ = srv.Close()
		_ = logFile.Close()
	}
	return url, logPath, stop, nil
}

// randomSecret returns a fresh relay secret for this run.
func randomSecret() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}
