package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

const (
	// motoVersion is the moto release the project is tested against.
	motoVersion = "5.2.1"
	// defaultEndpoint is where the emulator listens when AWS_ENDPOINT_URL
	// does not say otherwise.
	defaultEndpoint = "http://127.0.0.1:4566"
	// readyTimeout bounds the wait for a freshly started server to answer.
	readyTimeout = 60 * time.Second
	// stopTimeout bounds the wait for a server to exit after SIGTERM.
	stopTimeout = 10 * time.Second
)

// settings holds everything a command needs, so tests can build one with
// their own directories, interpreters and writers.
type settings struct {
	// endpoint is AWS_ENDPOINT_URL, or empty when it is unset.
	endpoint string
	// repoRoot is the directory holding go.mod.
	repoRoot string
	// stateDir holds each port's moto-<port>.log and emulator-<port>.pid.
	stateDir string
	// pythons lists interpreters to try, in order; nil means the defaults.
	pythons []string
	// readyTimeout bounds the wait for the server to answer.
	readyTimeout time.Duration
	// out receives the endpoint and nothing else.
	out io.Writer
	// log receives progress for people.
	log io.Writer
}

// logf writes one progress line.
func (s settings) logf(format string, args ...any) {
	fmt.Fprintf(s.log, format+"\n", args...)
}

// pidFile returns the path of the file naming the process id of the
// server for this endpoint. Each port has its own, so emulators on two
// ports of one checkout are started and stopped independently.
func (s settings) pidFile() string {
	return filepath.Join(s.stateDir, "emulator-"+s.port()+".pid")
}

// logFile returns the path of the output of the server for this endpoint.
func (s settings) logFile() string {
	return filepath.Join(s.stateDir, "moto-"+s.port()+".log")
}

// port returns the port of the endpoint, which names its state files. An
// endpoint that does not parse names them "invalid"; start and stop refuse
// it before touching any file.
func (s settings) port() string {
	t, err := resolveTarget(s.endpoint)
	if err != nil {
		return "invalid"
	}
	return t.port
}

// venvDir returns where moto is installed when no Python has it.
func (s settings) venvDir() string {
	return filepath.Join(s.repoRoot, ".cache", "moto-venv")
}

// run parses the command line and runs one command.
func run(
	ctx context.Context,
	args []string,
	getenv func(string) string,
	out, log io.Writer,
) error {
	if len(args) == 0 {
		return errors.New("usage: emulator start|stop|status [-state DIR]")
	}
	command := args[0]

	s, err := parseSettings(args[1:], getenv)
	if err != nil {
		return fmt.Errorf("%s: %w", command, err)
	}
	s.out, s.log = out, log

	switch command {
	case "start":
		return start(ctx, s)
	case "stop":
		return stop(s)
	case "status":
		return status(ctx, s)
	default:
		return fmt.Errorf("unknown command %q: want start, stop or status",
			command)
	}
}

// parseSettings reads the flags and the environment.
func parseSettings(
	args []string,
	getenv func(string) string,
) (settings, error) {
	root, err := findRepoRoot()
	if err != nil {
		return settings{}, fmt.Errorf("find repository root: %w", err)
	}

	flags := flag.NewFlagSet("emulator", flag.ContinueOnError)
	stateDir := flags.String("state", filepath.Join(root, ".cache", "emulator"),
		"directory for each port's moto-<port>.log and emulator-<port>.pid")
	if err := flags.Parse(args); err != nil {
		return settings{}, fmt.Errorf("parse flags: %w", err)
	}

	return settings{
		endpoint:     getenv("AWS_ENDPOINT_URL"),
		repoRoot:     root,
		stateDir:     *stateDir,
		readyTimeout: readyTimeout,
	}, nil
}

// findRepoRoot returns the nearest directory at or above the working
// directory that holds go.mod, or the working directory when none does.
func findRepoRoot() (string, error) {
	wd, err := os.Getwd()
	if err != nil {
		return "", fmt.Errorf("get working directory: %w", err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		if filepath.Dir(dir) == dir {
			return wd, nil
		}
	}
}
