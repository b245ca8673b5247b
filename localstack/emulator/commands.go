package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// start makes sure an emulator answers at the target endpoint, starting
// moto's server when none does, and prints the endpoint.
func start(ctx context.Context, s settings) error {
	t, err := resolveTarget(s.endpoint)
	if err != nil {
		return err
	}

	if srv, err := readPIDFile(s); err == nil {
		if alive(srv.pid) && isMotoServer(srv.pid) {
			return reuseOwn(ctx, s, srv)
		}
		s.logf("removing stale pid file %s (process %d is gone)",
			s.pidFile(), srv.pid)
		if err := os.Remove(s.pidFile()); err != nil {
			return fmt.Errorf("remove stale pid file: %w", err)
		}
	}

	if answers(ctx, t.url) {
		s.logf("an emulator already answers at %s; using it "+
			"(not started here, so stop leaves it alone)", t.url)
		fmt.Fprintln(s.out, t.url)
		return nil
	}
	if !t.loopback {
		return fmt.Errorf("nothing answers at AWS_ENDPOINT_URL=%s and it is "+
			"not a plain http loopback address, so no emulator is started "+
			"for it; unset it to use %s", t.url, defaultEndpoint)
	}
	return launchAndWait(ctx, s, t)
}

// reuseOwn reports a server that an earlier start launched, waiting for it
// if it is still coming up.
func reuseOwn(ctx context.Context, s settings, srv server) error {
	if err := waitReady(ctx, s, srv.url, nil); err != nil {
		return err
	}
	s.logf("moto already running (pid %d) at %s", srv.pid, srv.url)
	fmt.Fprintln(s.out, srv.url)
	return nil
}

// launchAndWait finds or installs moto, starts its server for t, records
// it and waits until it answers.
func launchAndWait(ctx context.Context, s settings, t target) error {
	python, err := findPython(ctx, s)
	if err != nil {
		s.logf("%v; installing it into %s", err, s.venvDir())
		if python, err = installMoto(ctx, s); err != nil {
			return fmt.Errorf("install moto %s: %w", motoVersion, err)
		}
	}

	if err := prepareStateDir(s); err != nil {
		return err
	}
	s.logf("starting %s -m moto.server on %s:%s (log %s)",
		python, t.host, t.port, s.logFile())
	srv, exited, err := launch(s, python, t)
	if err != nil {
		return err
	}
	if err := writePIDFile(s, srv); err != nil {
		return errors.Join(err, terminate(srv.pid, stopTimeout))
	}

	if err := waitReady(ctx, s, t.url, exited); err != nil {
		stopErr := terminate(srv.pid, stopTimeout)
		os.Remove(s.pidFile())
		return errors.Join(err, stopErr)
	}
	s.logf("moto %s running (pid %d) at %s", motoVersion, srv.pid, t.url)
	fmt.Fprintln(s.out, t.url)
	return nil
}

// prepareStateDir creates the state directory. Under <repo>/.cache it also
// drops a .gitignore so nothing there is ever committed.
func prepareStateDir(s settings) error {
	if err := os.MkdirAll(s.stateDir, 0o755); err != nil {
		return fmt.Errorf("create state directory: %w", err)
	}
	cache := filepath.Join(s.repoRoot, ".cache")
	if _, err := os.Stat(cache); err != nil {
		return nil
	}
	ignore := filepath.Join(cache, ".gitignore")
	if _, err := os.Stat(ignore); errors.Is(err, fs.ErrNotExist) {
		if err := os.WriteFile(ignore, []byte("*\n"), 0o644); err != nil {
			return fmt.Errorf("write %s: %w", ignore, err)
		}
	}
	return nil
}

// waitReady polls url until it answers, the server exits (when exited is
// not nil) or the ready timeout passes.
func waitReady(
	ctx context.Context,
	s settings,
	url string,
	exited <-chan error,
) error {
	ctx, cancel := context.WithTimeout(ctx, s.readyTimeout)
	defer cancel()

	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	for !answers(ctx, url) {
		select {
		case err := <-exited:
			return fmt.Errorf("moto exited before answering (%v); see %s:\n%s",
				err, s.logFile(), logTail(s, 10))
		case <-ctx.Done():
			return fmt.Errorf("moto did not answer at %s within %v; see %s:\n%s",
				url, s.readyTimeout, s.logFile(), logTail(s, 10))
		case <-tick.C:
		}
	}
	return nil
}

// logTail returns the last n lines of the server's log, indented.
func logTail(s settings, n int) string {
	data, err := os.ReadFile(s.logFile())
	if err != nil {
		return "  (no log)"
	}
	lines := bytes.Split(bytes.TrimRight(data, "\n"), []byte("\n"))
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	var b bytes.Buffer
	for _, line := range lines {
		b.WriteString("  " + string(line) + "\n")
	}
	return b.String()
}

// stop ends the server a previous start launched and removes its pid
// file. Without a pid file there is nothing of ours to stop.
func stop(s settings) error {
	srv, err := readPIDFile(s)
	if errors.Is(err, fs.ErrNotExist) {
		s.logf("nothing to stop: no %s", s.pidFile())
		return nil
	}
	if err != nil {
		return err
	}

	switch {
	case !alive(srv.pid):
		s.logf("process %d had already exited", srv.pid)
	case !isMotoServer(srv.pid):
		s.logf("process %d is not a moto server; leaving it alone", srv.pid)
	default:
		if err := terminate(srv.pid, stopTimeout); err != nil {
			return fmt.Errorf("stop moto (pid %d): %w", srv.pid, err)
		}
		s.logf("stopped moto (pid %d)", srv.pid)
	}
	if err := os.Remove(s.pidFile()); err != nil {
		return fmt.Errorf("remove pid file: %w", err)
	}
	return nil
}

// status reports what answers at the target endpoint and whether this
// command started it. It fails when nothing answers.
func status(ctx context.Context, s settings) error {
	t, err := resolveTarget(s.endpoint)
	if err != nil {
		return err
	}
	srv, err := readPIDFile(s)
	ours := err == nil && alive(srv.pid) && isMotoServer(srv.pid)
	if ours && srv.url != "" {
		t.url = srv.url
	}

	switch {
	case !answers(ctx, t.url):
		return fmt.Errorf("no emulator answers at %s", t.url)
	case ours:
		s.logf("moto running (pid %d, started here) at %s", srv.pid, t.url)
	default:
		s.logf("an emulator answers at %s (not started here)", t.url)
	}
	fmt.Fprintln(s.out, t.url)
	return nil
}
