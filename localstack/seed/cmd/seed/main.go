// Command seed fills the AWS emulator at AWS_ENDPOINT_URL with the flow
// relay's test account and writes the ground truth as JSON.
//
// Usage:
//
//	go run ./localstack/seed/cmd/seed [-records N] [-days N] [-seed N]
//	    [-prefix P] [-truth FILE]
//
// Unset AWS credentials and region default to test, test and us-east-1.
// AWS_ENDPOINT_URL must be set, so the seeder never writes to a real
// account; start an emulator with `go run ./localstack/emulator start`.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"

	"github.com/aws-vpc-flow-relay/relay/localstack/seed"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "seed:", err)
		os.Exit(1)
	}
}

// run parses the flags, seeds the emulator and writes the truth.
func run(ctx context.Context, args []string, out io.Writer) error {
	o, truthPath, err := parseFlags(args)
	if err != nil {
		return err
	}
	cfg, err := emulatorConfig(ctx)
	if err != nil {
		return err
	}

	began := time.Now()
	truth, err := seed.Run(ctx, cfg, o)
	if err != nil {
		return fmt.Errorf("seed %s: %w", os.Getenv("AWS_ENDPOINT_URL"), err)
	}
	elapsed := time.Since(began)

	if err := os.MkdirAll(filepath.Dir(truthPath), 0o755); err != nil {
		return fmt.Errorf("create truth directory: %w", err)
	}
	if err := truth.WriteFile(truthPath); err != nil {
		return err
	}
	fmt.Fprint(out, truth.Summary())
	fmt.Fprintf(out, "\nseeded in %v; truth written to %s\n",
		elapsed.Round(time.Millisecond), truthPath)
	return nil
}

// parseFlags returns the seeding options and the truth file's path.
func parseFlags(args []string) (seed.Options, string, error) {
	var o seed.Options
	flags := flag.NewFlagSet("seed", flag.ContinueOnError)
	flags.IntVar(&o.Records, "records", seed.DefaultRecords,
		"lines of the custom-format log group")
	flags.IntVar(&o.Days, "days", seed.DefaultDays, "days of records")
	flags.Int64Var(&o.Seed, "seed", 1, "random seed")
	flags.StringVar(&o.Prefix, "prefix", "", "prefix of every resource name")
	truthPath := flags.String("truth", filepath.Join(".cache", "seed-truth.json"),
		"where to write the ground truth")
	if err := flags.Parse(args); err != nil {
		return o, "", fmt.Errorf("parse flags: %w", err)
	}
	return o, *truthPath, nil
}

// emulatorConfig loads the AWS config for the emulator, filling unset
// credentials and region with the emulator's dummies. It refuses to run
// without AWS_ENDPOINT_URL, so nothing is ever written to a real account.
func emulatorConfig(ctx context.Context) (aws.Config, error) {
	if os.Getenv("AWS_ENDPOINT_URL") == "" {
		return aws.Config{}, fmt.Errorf("AWS_ENDPOINT_URL is unset; start " +
			"the emulator with `go run ./localstack/emulator start` and export it")
	}
	setDefault("AWS_ACCESS_KEY_ID", "test")
	setDefault("AWS_SECRET_ACCESS_KEY", "test")
	if os.Getenv("AWS_DEFAULT_REGION") == "" {
		setDefault("AWS_REGION", "us-east-1")
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return aws.Config{}, fmt.Errorf("load AWS config: %w", err)
	}
	return cfg, nil
}

// setDefault sets an environment variable that is unset.
func setDefault(name, value string) {
	if os.Getenv(name) == "" {
		os.Setenv(name, value)
	}
}
