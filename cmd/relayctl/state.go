package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// state is what a deploy remembers between commands, in a local JSON
// file. It holds no secret: the relay secret stays in Parameter Store.
type state struct {
	Project         string    `json:"project"`
	Region          string    `json:"region"`
	Stage           string    `json:"stage"`
	SecureXURL      string    `json:"securex_url"`
	RelayURL        string    `json:"relay_url,omitempty"`
	SecretParameter string    `json:"secret_parameter"`
	ModuleTypeID    string    `json:"module_type_id,omitempty"`
	Memory          int       `json:"memory"`
	Timeout         int       `json:"timeout"`
	RoleAccess      string    `json:"role_access"`
	AssumeRole      string    `json:"assume_role,omitempty"`
	Updated         time.Time `json:"updated"`
}

// statePath is the file of a project's deploy in one region and stage.
func statePath(o options) string {
	name := fmt.Sprintf("%s.%s.%s.json", o.project, o.region, o.stage())
	return filepath.Join(o.stateDir, name)
}

// loadState reads the state of o's deploy; found is false when there is
// none.
func loadState(o options) (s state, found bool, err error) {
	raw, err := os.ReadFile(statePath(o))
	if errors.Is(err, os.ErrNotExist) {
		return state{}, false, nil
	}
	if err != nil {
		return state{}, false, fmt.Errorf("read state: %w", err)
	}
	if err := json.Unmarshal(raw, &s); err != nil {
		return state{}, false, fmt.Errorf("decode state %s: %w", statePath(o), err)
	}
	return s, true, nil
}

// saveState writes s atomically, readable by its owner only.
func saveState(o options, s state) error {
	s.Updated = time.Now().UTC().Truncate(time.Second)
	raw, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return fmt.Errorf("encode state: %w", err)
	}
	if err := os.MkdirAll(o.stateDir, 0o700); err != nil {
		return fmt.Errorf("make state folder: %w", err)
	}
	tmp := statePath(o) + ".tmp"
	if err := os.WriteFile(tmp, append(raw, '\n'), 0o600); err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	if err := os.Rename(tmp, statePath(o)); err != nil {
		return fmt.Errorf("replace state: %w", err)
	}
	return nil
}

// deleteState removes the state file; a missing one is not an error.
func deleteState(o options) error {
	err := os.Remove(statePath(o))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("delete state: %w", err)
	}
	return nil
}
