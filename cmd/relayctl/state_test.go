package main

import (
	"os"
	"strings"
	"testing"
)

func TestStateRoundTrip(t *testing.T) {
	o := options{project: "p1", region: "us-east-1", stateDir: t.TempDir()}
	if _, found, err := loadState(o); found || err != nil {
		t.Fatalf("loadState before save = %t, %v; want none", found, err)
	}
	want := state{Project: "p1", Region: "us-east-1", Stage: "prod",
		SecureXURL: "https://visibility.amp.cisco.com", ModuleTypeID: "mt-1",
		SecretParameter: "/p1/relay-secret", Memory: 256, Timeout: 29,
		RoleAccess: "none", LogRetention: 90}
	if err := saveState(o, want); err != nil {
		t.Fatalf("saveState: %v", err)
	}
	got, found, err := loadState(o)
	got.Updated = want.Updated
	if err != nil || !found || got != want {
		t.Fatalf("loadState = %+v, %t, %v; want %+v", got, found, err, want)
	}
	info, err := os.Stat(statePath(o))
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Errorf("state file mode %v, %v; want 0600", info.Mode(), err)
	}
	if !strings.HasSuffix(statePath(o), "p1.us-east-1.prod.json") {
		t.Errorf("state path %s", statePath(o))
	}
	if err := deleteState(o); err != nil {
		t.Fatalf("deleteState: %v", err)
	}
	if err := deleteState(o); err != nil {
		t.Errorf("deleteState twice: %v", err)
	}
}
