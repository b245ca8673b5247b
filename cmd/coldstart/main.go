// Command coldstart measures how soon a relay function answers its first
// request after its process starts, as Lambda would start it.
//
// It builds the function, then starts it again and again against a local
// stand-in for the Lambda Runtime API that hands it one API Gateway event,
// and reports the time from process start to the posted answer. The first
// request checks a configuration token, so the measure covers start-up,
// verification and the answer, but no AWS call.
//
// Usage:
//
//	coldstart [-function version] [-runs 20]
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"
)

func main() {
	function := flag.String("function", "observe", "function under functions/ to measure")
	runs := flag.Int("runs", 20, "number of cold starts")
	flag.Parse()
	if err := run(context.Background(), *function, *runs); err != nil {
		fmt.Fprintln(os.Stderr, "coldstart: "+err.Error())
		os.Exit(1)
	}
}

// run builds the function and measures its cold starts.
func run(ctx context.Context, function string, runs int) error {
	dir, err := os.MkdirTemp("", "coldstart")
	if err != nil {
		return fmt.Errorf("make build folder: %w", err)
	}
	defer os.RemoveAll(dir)
	bin := filepath.Join(dir, "bootstrap")
	if err := build(ctx, function, bin); err != nil {
		return err
	}
	var took []time.Duration
	for range runs {
		d, err := once(ctx, bin)
		if err != nil {
			return err
		}
		took = append(took, d)
	}
	slices.Sort(took)
	fmt.Printf("%s: %d cold starts to first answer: min %s, median %s, max %s\n",
		function, runs, took[0].Round(10*time.Microsecond),
		took[len(took)/2].Round(10*time.Microsecond),
		took[len(took)-1].Round(10*time.Microsecond))
	return nil
}
