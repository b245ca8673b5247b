package main

import (
	"context"
	"errors"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestResolveTarget(t *testing.T) {
	tests := []struct {
		name     string
		endpoint string
		want     target
		wantErr  bool
	}{
		{name: "unset", endpoint: "",
			want: target{url: defaultEndpoint, host: "127.0.0.1", port: "4566", loopback: true}},
		{name: "localhost keeps its port", endpoint: "http://localhost:4599",
			want: target{url: "http://localhost:4599", host: "127.0.0.1",
				port: "4599", loopback: true}},
		{name: "IPv6 loopback", endpoint: "http://[::1]:4566",
			want: target{url: "http://[::1]:4566", host: "::1", port: "4566", loopback: true}},
		{name: "https is never started here", endpoint: "https://127.0.0.1:4566",
			want: target{url: "https://127.0.0.1:4566", host: "127.0.0.1", port: "4566"}},
		{name: "remote host", endpoint: "http://10.1.2.3:4566",
			want: target{url: "http://10.1.2.3:4566", host: "10.1.2.3", port: "4566"}},
		{name: "default port", endpoint: "http://emulator.internal",
			want: target{url: "http://emulator.internal", host: "127.0.0.1", port: "80"}},
		{name: "not http", endpoint: "ftp://127.0.0.1:21", wantErr: true},
		{name: "no host", endpoint: "http://:4566", wantErr: true},
		{name: "unparsable", endpoint: "http://[::1", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := resolveTarget(tt.endpoint)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error: got %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestStartUsesAnAnsweringEndpoint(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	s, out, log := fakeSettings(t)
	s.endpoint = srv.URL
	s.pythons = []string{filepath.Join(t.TempDir(), "no-python")}

	if err := start(t.Context(), s); err != nil {
		t.Fatalf("start: %v", err)
	}
	if got, want := out.String(), srv.URL+"\n"; got != want {
		t.Errorf("output: got %q, want %q", got, want)
	}
	if !strings.Contains(log.String(), "not started here") {
		t.Errorf("log does not say the emulator was found: %q", log.String())
	}
	if _, err := os.Stat(s.pidFile()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("pid file written for an emulator not started here: %v", err)
	}
}

func TestStartRefusesAnEndpointItCannotServe(t *testing.T) {
	s, _, _ := fakeSettings(t)
	s.endpoint = "https://127.0.0.1:" + freePort(t)

	err := start(t.Context(), s)
	if err == nil || !strings.Contains(err.Error(), "no emulator is started") {
		t.Errorf("start: got %v, want a refusal", err)
	}
}

func TestStartStatusStop(t *testing.T) {
	s, out, log := fakeSettings(t)
	ctx := t.Context()

	if err := start(ctx, s); err != nil {
		t.Fatalf("start: %v\n%s", err, log)
	}
	srv, err := readPIDFile(s)
	if err != nil {
		t.Fatalf("after start: %v", err)
	}
	t.Cleanup(func() { terminate(srv.pid, stopTimeout) })
	if got := out.String(); got != s.endpoint+"\n" {
		t.Errorf("start output: got %q, want %q", got, s.endpoint+"\n")
	}
	if !answers(ctx, s.endpoint) {
		t.Fatalf("nothing answers at %s after start", s.endpoint)
	}

	if err := start(ctx, s); err != nil {
		t.Fatalf("second start: %v", err)
	}
	again, _ := readPIDFile(s)
	if again.pid != srv.pid || !strings.Contains(log.String(), "already running") {
		t.Errorf("second start: pid %d (want %d), log %q", again.pid, srv.pid, log)
	}
	if err := status(ctx, s); err != nil {
		t.Errorf("status while running: %v", err)
	}

	if err := stop(s); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if alive(srv.pid) {
		t.Errorf("process %d still alive after stop", srv.pid)
	}
	if _, err := os.Stat(s.pidFile()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("pid file left after stop: %v", err)
	}
	if err := status(ctx, s); err == nil {
		t.Error("status after stop: got no error")
	}
}

func TestStopWithoutPIDFileIsANoOp(t *testing.T) {
	s, _, log := fakeSettings(t)
	if err := stop(s); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if !strings.Contains(log.String(), "nothing to stop") {
		t.Errorf("log: got %q, want it to say nothing to stop", log)
	}
}

func TestStopLeavesOtherProcessesAlone(t *testing.T) {
	s, _, log := fakeSettings(t)
	sleeper := exec.Command("sleep", "30")
	if err := sleeper.Start(); err != nil {
		t.Fatal(err)
	}
	defer sleeper.Process.Kill()
	writeTestPIDFile(t, s, sleeper.Process.Pid)

	if err := stop(s); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if !alive(sleeper.Process.Pid) {
		t.Error("stop killed a process that is not a moto server")
	}
	if !strings.Contains(log.String(), "leaving it alone") {
		t.Errorf("log: got %q", log)
	}
	if _, err := os.Stat(s.pidFile()); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("pid file left: %v", err)
	}
}

func TestStartReplacesAStalePIDFile(t *testing.T) {
	s, _, log := fakeSettings(t)
	gone := exec.Command("true")
	if err := gone.Run(); err != nil {
		t.Fatal(err)
	}
	writeTestPIDFile(t, s, gone.Process.Pid)

	if err := start(t.Context(), s); err != nil {
		t.Fatalf("start: %v", err)
	}
	srv, _ := readPIDFile(s)
	t.Cleanup(func() { terminate(srv.pid, stopTimeout) })
	if srv.pid == gone.Process.Pid || !strings.Contains(log.String(), "stale") {
		t.Errorf("stale pid file not replaced: pid %d, log %q", srv.pid, log)
	}
}

// writeTestPIDFile writes a pid file naming pid.
func writeTestPIDFile(t *testing.T, s settings, pid int) {
	t.Helper()
	if err := os.MkdirAll(s.stateDir, 0o755); err != nil {
		t.Fatal(err)
	}
	text := strconv.Itoa(pid) + "\n" + s.endpoint + "\n"
	if err := os.WriteFile(s.pidFile(), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestStartFailures(t *testing.T) {
	tests := []struct {
		name, mode string
		timeout    time.Duration
		want       string
	}{
		{name: "server exits", mode: "crash", timeout: 20 * time.Second,
			want: "address already in use"},
		{name: "server never answers", mode: "silent", timeout: time.Second,
			want: "did not answer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := fakeSettings(t)
			s.readyTimeout = tt.timeout
			t.Setenv("EMULATOR_FAKE_MODE", tt.mode)

			err := start(t.Context(), s)
			if err == nil {
				t.Fatal("start: got no error")
			}
			for _, want := range []string{tt.want, s.logFile()} {
				if !strings.Contains(err.Error(), want) {
					t.Errorf("error lacks %q: %v", want, err)
				}
			}
			if _, err := os.Stat(s.pidFile()); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("pid file left after a failed start: %v", err)
			}
		})
	}
}

func TestFindPython(t *testing.T) {
	s, _, log := fakeSettings(t)
	missing := filepath.Join(t.TempDir(), "python3")
	self := s.pythons[0]
	tests := []struct {
		name, version string
		pythons       []string
		want          string
	}{
		{name: "first that works", version: motoVersion,
			pythons: []string{missing, self}, want: self},
		{name: "wrong moto version", version: "5.1.0",
			pythons: []string{self}, want: ""},
		{name: "none exists", version: motoVersion,
			pythons: []string{missing}, want: ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("EMULATOR_FAKE_VERSION", tt.version)
			s.pythons = tt.pythons
			got, err := findPython(t.Context(), s)
			if got != tt.want || (err != nil) != (tt.want == "") {
				t.Errorf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	if !strings.Contains(log.String(), "has moto 5.1.0") {
		t.Errorf("log does not name the wrong version: %q", log)
	}
}

func TestInstallMotoIntoVirtualEnvironment(t *testing.T) {
	s, _, log := fakeSettings(t)
	pipLog := filepath.Join(t.TempDir(), "pip.log")
	t.Setenv("EMULATOR_FAKE_PIP_LOG", pipLog)
	t.Setenv("EMULATOR_FAKE_VERSION", "5.1.0")

	got, err := installMoto(t.Context(), s)
	if err != nil {
		t.Fatalf("installMoto: %v\n%s", err, log)
	}
	if got != venvPython(s) {
		t.Errorf("interpreter: got %s, want %s", got, venvPython(s))
	}
	installed, _ := os.ReadFile(pipLog)
	if want := "moto[server]==" + motoVersion + "\n"; string(installed) != want {
		t.Errorf("pip installed %q, want %q", installed, want)
	}
	if !strings.Contains(log.String(), "running: ") {
		t.Errorf("log does not show the commands: %q", log)
	}
}

func TestRunCommands(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{name: "no command", args: nil, want: "usage"},
		{name: "unknown command", args: []string{"restart"}, want: "unknown command"},
		{name: "bad flag", args: []string{"stop", "-nope"}, want: "parse flags"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, log strings.Builder
			err := run(context.Background(), tt.args, func(string) string { return "" },
				&out, &log)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("run(%v): got %v, want an error with %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestStopCommandUsesStateFlag(t *testing.T) {
	dir := t.TempDir()
	var out, log strings.Builder
	err := run(t.Context(), []string{"stop", "-state", dir},
		func(string) string { return "" }, &out, &log)
	if err != nil {
		t.Fatalf("stop: %v", err)
	}
	if want := filepath.Join(dir, "emulator-4566.pid"); !strings.Contains(log.String(), want) {
		t.Errorf("log: got %q, want it to name %s", log.String(), want)
	}
}

func TestDefaultStateDirIsUnderTheRepository(t *testing.T) {
	s, err := parseSettings(nil, func(string) string { return "http://x:1" })
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(s.repoRoot, "go.mod")); err != nil {
		t.Errorf("repository root %s has no go.mod: %v", s.repoRoot, err)
	}
	if want := filepath.Join(s.repoRoot, ".cache", "emulator"); s.stateDir != want {
		t.Errorf("state dir: got %s, want %s", s.stateDir, want)
	}
	if s.endpoint != "http://x:1" {
		t.Errorf("endpoint: got %q, want the environment's", s.endpoint)
	}
}

func TestStateFilesArePerPort(t *testing.T) {
	tests := []struct {
		name, endpoint, pid, log string
	}{
		{"unset means the default port", "", "emulator-4566.pid", "moto-4566.log"},
		{"explicit port", "http://localhost:4611", "emulator-4611.pid", "moto-4611.log"},
		{"no port on http", "http://127.0.0.1", "emulator-80.pid", "moto-80.log"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := settings{endpoint: tt.endpoint, stateDir: "/state"}
			if got := filepath.Base(s.pidFile()); got != tt.pid {
				t.Errorf("pidFile() = %s, want %s", got, tt.pid)
			}
			if got := filepath.Base(s.logFile()); got != tt.log {
				t.Errorf("logFile() = %s, want %s", got, tt.log)
			}
		})
	}
}
