package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// heartbeat is how often a long Serverless step reports that it still
// runs, for terminals where the framework's own spinner does not show.
const heartbeat = 30 * time.Second

// serverlessArgs returns the arguments of `serverless <action>` for o.
// The relay secret is not among them: the functions read it from
// Parameter Store.
func serverlessArgs(o options, action string) []string {
	args := []string{action, "--stage", o.stage(), "--region", o.region}
	params := []struct{ key, value string }{
		{"memory", strconv.Itoa(o.memory)},
		{"timeout", strconv.Itoa(o.timeout)},
		{"secretParameter", o.secretParameter()},
		{"roleAccess", o.roleAccess},
		{"assumeRole", o.assumeRole},
		{"logRetention", strconv.Itoa(o.logRetention)},
		{"dist", o.dist},
	}
	for _, p := range params {
		// The framework refuses an empty value; serverless.yml's default
		// stands for it.
		if p.value != "" {
			args = append(args, "--param="+p.key+"="+p.value)
		}
	}
	return args
}

// serverlessEnv is the process environment for the framework: the
// project name, which serverless.yml reads as the service, none of the
// empty AWS_ variables the Taskfile leaves behind, and none of the
// SECUREX_ variables, the client secret among them: the framework and
// its plugins have no use for them.
func serverlessEnv(o options, environ []string) []string {
	env := make([]string, 0, len(environ)+2)
	for _, kv := range environ {
		key, value, _ := strings.Cut(kv, "=")
		if key == "RELAY_PROJECT" || strings.HasPrefix(key, "SECUREX_") ||
			(strings.HasPrefix(key, "AWS_") && value == "") {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "RELAY_PROJECT="+o.project, "SLS_TELEMETRY_DISABLED=1")
}

// tailSize is how much of the framework's output is kept to recognise a
// failure by.
const tailSize = 16 << 10

// errNoStack reports that `serverless remove` found no stack to remove.
var errNoStack = errors.New("no stack to remove")

// tail keeps the last tailSize bytes written to it.
type tail struct{ buf []byte }

func (t *tail) Write(p []byte) (int, error) {
	t.buf = append(t.buf, p...)
	if over := len(t.buf) - tailSize; over > 0 {
		t.buf = t.buf[over:]
	}
	return len(p), nil
}

// stackName is the CloudFormation stack the framework names after the
// service and stage.
func stackName(o options) string {
	return o.project + "-" + o.stage()
}

// runServerless runs `serverless <action>` in the current folder, its
// output going to out, with a line every heartbeat while it runs. A
// remove that finds no stack returns errNoStack, wrapped.
func runServerless(ctx context.Context, o options, action string,
	out io.Writer) error {
	last := &tail{}
	err := execServerless(ctx, o, action, io.MultiWriter(out, last))
	missing := "Stack with id " + stackName(o) + " does not exist"
	if err != nil && action == "remove" &&
		strings.Contains(string(last.buf), missing) {
		return fmt.Errorf("serverless remove: %w", errNoStack)
	}
	return err
}

// execServerless runs the framework, reporting to out.
func execServerless(ctx context.Context, o options, action string,
	out io.Writer) error {
	if _, err := os.Stat(o.serverless); err != nil {
		return withNext(fmt.Errorf("the Serverless Framework is not installed "+
			"at %s", o.serverless), "run `npm ci` in the repository root "+
			"(the deploy tasks do), or pass -serverless")
	}
	if _, err := os.Stat("serverless.yml"); err != nil {
		return withNext(errors.New("serverless.yml is not in this folder"),
			"run relayctl from the repository root (the tasks do)")
	}
	cmd := exec.CommandContext(ctx, o.serverless, serverlessArgs(o, action)...)
	cmd.Env = serverlessEnv(o, os.Environ())
	cmd.Stdout, cmd.Stderr = out, out
	began := time.Now()
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start serverless %s: %w", action, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return fmt.Errorf("serverless %s: %w", action, err)
			}
			fmt.Fprintf(out, "      serverless %s finished in %s\n", action,
				time.Since(began).Round(time.Second))
			return nil
		case <-tick.C:
			fmt.Fprintf(out, "      ... serverless %s still running (%s)\n",
				action, time.Since(began).Round(time.Second))
		}
	}
}
