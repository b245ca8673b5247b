// Command relayctl deploys the relay to AWS and registers it with SecureX
// (or Cisco XDR), updates it, and removes both again. The Taskfile's
// deploy, update and remove tasks call it.
//
// Usage:
//
//	relayctl deploy -r <aws region> -p <project> -x US|EU|APJC -i <client id>
//	    [-m <memory MB>] [-t <timeout s>] [-role-access none|read|respond]
//	    [-log-retention <days>]
//	relayctl update -r <aws region> -p <project> [-m ...] [-t ...]
//	relayctl remove -r <aws region> -p <project>
//
// The SecureX API client's secret is read from SECUREX_CLIENT_SECRET (or
// -s, which other users of the machine can see). Deploy generates the
// relay secret, stores it in SSM Parameter Store as a SecureString, gets
// a SecureX token, runs `serverless deploy`, finds the relay's URL and
// creates the module type from module_type.json, keeping its id in a
// local state file. Update redeploys and creates the module type only if
// SecureX lost it. Remove undeploys, deletes the module type and the
// secret; what is already gone counts as removed, so it can be run again.
// The state file must be the deploy's own: one of another project,
// region or stage, one others may write, owned by another user, reached
// through a symbolic link or kept in a folder others may write, or one
// naming a SecureX host that is not a region's (or the -securex-url
// given) is refused. No
// secret is ever printed, and none reaches the Serverless Framework.
//
// When AWS_ENDPOINT_URL is set, everything goes to that emulator: the
// stage is "local" and serverless-localstack carries the deploy.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt,
		syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "relayctl: "+err.Error())
		fmt.Fprintln(os.Stderr, "next: "+nextStep(err))
		os.Exit(1)
	}
}

// run carries out the command that args name, reporting to out.
func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 {
		return usageError()
	}
	command, args := args[0], args[1:]
	opts, err := parseOptions(command, args, os.Getenv, out)
	if errors.Is(err, errHelp) {
		return nil
	}
	if err != nil {
		return err
	}
	d := &deployer{opts: opts, out: out}
	switch command {
	case "deploy":
		return d.deploy(ctx)
	case "update":
		return d.update(ctx)
	default:
		return d.remove(ctx)
	}
}

// nextError is a failure with what the operator should do next. msg,
// when set, replaces err's text, which already holds the advice.
type nextError struct {
	err  error
	msg  string
	next string
}

func (e *nextError) Error() string {
	if e.msg != "" {
		return e.msg
	}
	return e.err.Error()
}

func (e *nextError) Unwrap() error { return e.err }

// nextStep returns the advice err carries, or a general one: every
// failure ends with what to do.
func nextStep(err error) string {
	var next *nextError
	if errors.As(err, &next) && next.next != "" {
		return next.next
	}
	return "fix the cause above and run the same command again"
}

// withNext attaches advice to err; a nil err stays nil.
func withNext(err error, next string) error {
	if err == nil {
		return nil
	}
	return &nextError{err: err, next: next}
}

// usageError says how to call relayctl.
func usageError() error {
	return withNext(errors.New("name a command: deploy, update or remove"),
		"go tool task deploy -- -r us-east-1 -p my-relay -x US -i <client id>"+
			" (with SECUREX_CLIENT_SECRET set); `relayctl deploy -h` lists "+
			"every option")
}
