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
	return c.tour(ctx, out, truth)
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
