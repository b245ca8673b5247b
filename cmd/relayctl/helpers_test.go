package main

import (
	"archive/zip"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// functions lists every function and the route it serves, as SPEC §2 and
// serverless.yml define them.
var functions = []struct{ name, method, path string }{
	{"health", "POST", "/health"},
	{"version", "POST", "/version"},
	{"watchdog", "GET", "/watchdog"},
	{"observe", "POST", "/observe/observables"},
	{"deliberate", "POST", "/deliberate/observables"},
	{"refer", "POST", "/refer/observables"},
	{"respond", "POST", "/respond/observables"},
	{"trigger", "POST", "/respond/trigger"},
	{"tiles", "POST", "/tiles"},
	{"tile", "POST", "/tiles/tile"},
	{"tiledata", "POST", "/tiles/tile-data"},
}

// needServerless moves the test to the repository root and skips it,
// with a hint, when Node.js or the pinned framework is missing.
func needServerless(t *testing.T) {
	t.Helper()
	t.Chdir("../..")
	if _, err := exec.LookPath("node"); err != nil {
		t.Skip("Node.js is not installed: install Node.js 20.19 or later, " +
			"then `go tool task node:install`")
	}
	if _, err := os.Stat("node_modules/.bin/serverless"); err != nil {
		t.Skip("the Serverless Framework is not installed: run " +
			"`go tool task node:install` (go tool task test does)")
	}
}

// placeholderZips writes a tiny zip per function, standing in for the
// built artifacts where only the template or the emulator's record of
// them matters. It returns the folder.
func placeholderZips(t *testing.T) string {
	t.Helper()
	if dir := os.Getenv("RELAYCTL_TEST_DIST"); dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			t.Fatalf("RELAYCTL_TEST_DIST: %v", err)
		}
		return abs
	}
	dir := t.TempDir()
	for _, f := range functions {
		out, err := os.Create(filepath.Join(dir, f.name+".zip"))
		if err != nil {
			t.Fatalf("create zip: %v", err)
		}
		z := zip.NewWriter(out)
		w, err := z.Create("bootstrap")
		if err == nil {
			_, err = w.Write([]byte("#!/bin/sh\nexit 1\n"))
		}
		if err == nil {
			err = z.Close()
		}
		if err == nil {
			err = out.Close()
		}
		if err != nil {
			t.Fatalf("write zip for %s: %v", f.name, err)
		}
	}
	return dir
}

// testOptions are the options of a command against the test's folders.
func testOptions(t *testing.T, command, project string) options {
	t.Helper()
	return options{command: command, region: "us-east-1", project: project,
		memory: defaultMemory, timeout: defaultTimeout, roleAccess: "none",
		logRetention: 30, moduleType: "module_type.json",
		stateDir: t.TempDir(), serverless: "node_modules/.bin/serverless",
		dist:  placeholderZips(t),
		given: map[string]bool{}}
}

// lines returns the non-empty lines of s.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}
