// Command demo shows the relay answering SecureX-style requests about IPs
// of a realistic account in the local AWS emulator.
//
// It seeds the emulator at AWS_ENDPOINT_URL, starts the relay on a
// loopback port, signs configuration tokens as SecureX would, asks about a
// busy private IP, the Elastic IP, the IPv6 address and an unseen IP, and
// prints the answers next to the seed's ground truth. `go tool task demo`
// starts and stops the emulator around it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
)

func main() {
	records := flag.Int("records", 100_000, "flow records to seed")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, *records); err != nil {
		fmt.Fprintln(os.Stderr, "demo: "+err.Error())
		os.Exit(1)
	}
}
