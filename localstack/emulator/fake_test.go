package main

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The test binary doubles as a fake Python with moto, so start and stop
// are tested on real processes without moto installed. With
// EMULATOR_FAKE_PYTHON=1 it answers the interpreter calls this command
// makes:
//
//	-c <probe>                   prints EMULATOR_FAKE_VERSION (or 5.2.1)
//	-m moto.server -H h -p p     serves HTTP on h:p until killed; with
//	                             EMULATOR_FAKE_MODE=crash it exits at once,
//	                             with =silent it never listens
//	-m venv DIR                  writes DIR/bin/python3 running this fake
//	-m pip install SPEC          appends SPEC to EMULATOR_FAKE_PIP_LOG
func TestMain(m *testing.M) {
	if os.Getenv("EMULATOR_FAKE_PYTHON") == "1" {
		os.Exit(fakePython(os.Args[1:]))
	}
	os.Exit(m.Run())
}

// fakePython acts out one interpreter call and returns the exit status.
func fakePython(args []string) int {
	switch {
	case len(args) >= 2 && args[0] == "-c":
		fmt.Println(cmpOr(os.Getenv("EMULATOR_FAKE_VERSION"), motoVersion))
		return 0
	case len(args) == 6 && args[1] == "moto.server":
		return fakeServer(args[3], args[5])
	case len(args) == 3 && args[1] == "venv":
		return fakeVenv(args[2])
	case len(args) >= 4 && args[1] == "pip":
		return fakePip(args[len(args)-1])
	}
	fmt.Fprintln(os.Stderr, "fake python: unexpected arguments", args)
	return 2
}

// fakeServer serves HTTP on host:port the way moto's server would.
func fakeServer(host, port string) int {
	switch os.Getenv("EMULATOR_FAKE_MODE") {
	case "crash":
		fmt.Println("fake moto: address already in use")
		return 1
	case "silent":
		time.Sleep(time.Minute)
		return 0
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, port))
	if err != nil {
		fmt.Println("fake moto:", err)
		return 1
	}
	fmt.Println("fake moto: running on", ln.Addr())
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "fake moto")
	}))
	return 0
}

// fakeVenv writes an interpreter script into dir that runs this fake with
// the wanted moto version.
func fakeVenv(dir string) int {
	bin := filepath.Join(dir, "bin")
	if err := os.MkdirAll(bin, 0o755); err != nil {
		fmt.Println(err)
		return 1
	}
	self, _ := os.Executable()
	script := fmt.Sprintf("#!/bin/sh\nEMULATOR_FAKE_VERSION=%s exec %q \"$@\"\n",
		motoVersion, self)
	python := filepath.Join(bin, "python3")
	if err := os.WriteFile(python, []byte(script), 0o755); err != nil {
		fmt.Println(err)
		return 1
	}
	return 0
}

// fakePip records what it was asked to install.
func fakePip(spec string) int {
	f, err := os.OpenFile(os.Getenv("EMULATOR_FAKE_PIP_LOG"),
		os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		fmt.Println(err)
		return 1
	}
	defer f.Close()
	fmt.Fprintln(f, spec)
	return 0
}

// cmpOr returns the first non-empty value.
func cmpOr(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// fakeSettings returns settings whose only interpreter is the fake, with a
// fresh state directory and repository root, for an endpoint on a free
// loopback port.
func fakeSettings(t *testing.T) (settings, *strings.Builder, *strings.Builder) {
	t.Helper()
	t.Setenv("EMULATOR_FAKE_PYTHON", "1")
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	out, log := &strings.Builder{}, &strings.Builder{}
	root := t.TempDir()
	return settings{
		endpoint:     "http://127.0.0.1:" + freePort(t),
		repoRoot:     root,
		stateDir:     filepath.Join(root, "state"),
		pythons:      []string{self},
		readyTimeout: 20 * time.Second,
		out:          out,
		log:          log,
	}, out, log
}

// freePort returns a loopback TCP port nothing listens on right now.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, port, _ := net.SplitHostPort(ln.Addr().String())
	return port
}
