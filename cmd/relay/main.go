// Command relay serves every relay route on a local port, through the same
// handlers as the Lambda functions. It is for trying the relay against the
// AWS emulator or an account, without deploying.
//
// Usage:
//
//	RELAY_SECRET=... relay [-addr 127.0.0.1:8080]
//
// RELAY_URL defaults to the address served, and AWS_ENDPOINT_URL points
// the AWS clients at an emulator.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/aws-vpc-flow-relay/relay/pkg/boot"
	"github.com/aws-vpc-flow-relay/relay/pkg/localhttp"
	"github.com/aws-vpc-flow-relay/relay/pkg/routes"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:8080", "address to listen on")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, *addr); err != nil {
		boot.Fatal(err)
	}
}

// run serves until ctx ends.
func run(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", addr, err)
	}
	env, err := boot.LoadEnv()
	if err != nil {
		return err
	}
	if env.RelayURL == "" {
		env.RelayURL = "http://" + ln.Addr().String()
	}
	if env.Secret == "" {
		fmt.Fprintln(os.Stderr, "relay: RELAY_SECRET is not set: configuration "+
			"tokens (HS256) will be refused; see go tool task token")
	}
	r, err := boot.New(env, os.Stdout)
	if err != nil {
		return err
	}
	srv := localhttp.NewServer(r.Router(routes.All(r.Deps)...))
	go func() {
		<-ctx.Done()
		_ = srv.Shutdown(context.Background())
	}()
	fmt.Fprintf(os.Stderr, "relay: serving %s\n", env.RelayURL)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve %s: %w", addr, err)
	}
	return nil
}
