package main

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is a moto server started by this command.
type server struct {
	// pid is the server's process id and process group id.
	pid int
	// url is the endpoint it serves.
	url string
}

// launch starts `python -m moto.server` for t, detached in a new session
// (so its own process group) with its output appended to the log file.
// The returned channel receives the server's exit status if it ends while
// this process still runs.
func launch(s settings, python string, t target) (server, <-chan error, error) {
	logFile, err := os.OpenFile(s.logFile(),
		os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return server{}, nil, fmt.Errorf("open %s: %w", s.logFile(), err)
	}
	defer logFile.Close()

	cmd := exec.Command(python, "-m", "moto.server", "-H", t.host, "-p", t.port)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		return server{}, nil, fmt.Errorf("start %s -m moto.server: %w",
			python, err)
	}

	// Reaping here keeps an exited server from lingering as a zombie that
	// still looks alive while this process runs (in tests, for instance).
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	return server{pid: cmd.Process.Pid, url: t.url}, exited, nil
}

// writePIDFile records srv so stop and status can find it.
func writePIDFile(s settings, srv server) error {
	text := fmt.Sprintf("%d\n%s\n", srv.pid, srv.url)
	if err := os.WriteFile(s.pidFile(), []byte(text), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", s.pidFile(), err)
	}
	return nil
}

// readPIDFile returns the server recorded in the pid file. The error wraps
// fs.ErrNotExist when there is no pid file.
func readPIDFile(s settings) (server, error) {
	data, err := os.ReadFile(s.pidFile())
	if err != nil {
		return server{}, fmt.Errorf("read pid file: %w", err)
	}
	lines := strings.Fields(string(data))
	if len(lines) == 0 {
		return server{}, fmt.Errorf("pid file %s is empty", s.pidFile())
	}
	pid, err := strconv.Atoi(lines[0])
	if err != nil || pid <= 0 {
		return server{}, fmt.Errorf("pid file %s holds %q, not a pid",
			s.pidFile(), lines[0])
	}
	srv := server{pid: pid}
	if len(lines) > 1 {
		srv.url = lines[1]
	}
	return srv, nil
}

// alive reports whether pid is a running process. A zombie is not running.
func alive(pid int) bool {
	err := syscall.Kill(pid, 0)
	if err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		// No procfs: trust the signal check.
		return true
	}
	// The state follows the parenthesised command name.
	fields := strings.Fields(string(stat[strings.LastIndexByte(
		string(stat), ')')+1:]))
	return len(fields) == 0 || fields[0] != "Z"
}

// isMotoServer reports whether pid runs moto's server, so a pid reused by
// an unrelated process after a crash is never signalled. Without procfs it
// cannot tell and says yes.
func isMotoServer(pid int) bool {
	cmdline, err := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
	if err != nil {
		return true
	}
	return strings.Contains(string(cmdline), "moto.server")
}

// terminate signals the server's process group with SIGTERM, then SIGKILL
// if it is still running after timeout, and waits for it to exit.
func terminate(pid int, timeout time.Duration) error {
	for _, sig := range []syscall.Signal{syscall.SIGTERM, syscall.SIGKILL} {
		if err := syscall.Kill(-pid, sig); err != nil &&
			!errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("send %v to process group %d: %w", sig, pid, err)
		}
		if waitExit(pid, timeout) {
			return nil
		}
	}
	return fmt.Errorf("process %d still runs after SIGKILL", pid)
}

// waitExit polls until pid is gone or timeout passes, and reports whether
// it is gone.
func waitExit(pid int, timeout time.Duration) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if !alive(pid) {
			return true
		}
		time.Sleep(50 * time.Millisecond)
	}
	return !alive(pid)
}
