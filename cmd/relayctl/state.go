package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/securex"
)

// maxState bounds how much of a state file is read; a real one is a few
// hundred bytes.
const maxState = 64 << 10

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
	LogRetention    int       `json:"log_retention,omitempty"`
	Updated         time.Time `json:"updated"`
}

// statePath is the file of a project's deploy in one region and stage.
func statePath(o options) string {
	name := fmt.Sprintf("%s.%s.%s.json", o.project, o.region, o.stage())
	return filepath.Join(o.stateDir, name)
}

// loadState reads the state of o's deploy and checks that it belongs to
// o's project, region and stage; found is false when there is none. Its
// errors say to fix or delete the file.
func loadState(o options) (s state, found bool, err error) {
	path := statePath(o)
	raw, err := readState(path)
	if errors.Is(err, os.ErrNotExist) {
		return state{}, false, nil
	}
	if err == nil {
		err = json.Unmarshal(raw, &s)
		if err != nil {
			err = fmt.Errorf("decode state %s: %w", path, err)
		}
	}
	if err == nil {
		err = s.check(o)
	}
	if errors.Is(err, errUnsafeState) {
		return state{}, false, withNext(err, "check that "+path+" is your "+
			"deploy's, then keep it as a file you own in a folder only you "+
			"can write (-state <folder>, mode 0700); else delete it")
	}
	if err != nil {
		return state{}, false, withNext(err, "fix or delete "+path+
			"; without it, delete the module type in SecureX by hand")
	}
	return s, true, nil
}

// checkStateDir refuses a state folder that users other than its owner
// and group may write: any of them could plant or swap a state file.
func checkStateDir(dir string) error {
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("read state folder: %w", err)
	}
	if perm := info.Mode().Perm(); perm&0o002 != 0 {
		return fmt.Errorf("state folder %s is writable by others (mode "+
			"%04o): anyone could put a state file there: %w", dir,
			info.Mode()&(os.ModePerm|os.ModeSticky), errUnsafeState)
	}
	return nil
}

// checkStateFile refuses a state file that is not a regular file, is not
// the current user's, or that others may write.
func checkStateFile(path string, info os.FileInfo) error {
	if !info.Mode().IsRegular() {
		return fmt.Errorf("state %s is not a regular file", path)
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok &&
		int(st.Uid) != currentUID() {
		return fmt.Errorf("state %s belongs to user %d, not to you (user "+
			"%d): %w", path, st.Uid, currentUID(), errUnsafeState)
	}
	if perm := info.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("state %s is writable by others (mode %04o): "+
			"anyone who can change it can redirect the deploy: %w", path,
			perm, errUnsafeState)
	}
	return nil
}

// errUnsafeState marks a state file that someone other than the current
// user could have written or chosen: one reached through a symbolic link,
// one owned by another user, or one in a folder that others may write.
var errUnsafeState = errors.New("state not trusted")

// currentUID returns the user that state files must belong to; tests
// replace it to stand for another user.
var currentUID = os.Getuid

// readState reads a state file that only the current user may change.
func readState(path string) ([]byte, error) {
	if err := checkStateDir(filepath.Dir(path)); err != nil {
		return nil, err
	}
	link, err := os.Lstat(path)
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	if link.Mode()&os.ModeSymlink != 0 {
		return nil, fmt.Errorf("state %s is a symbolic link, which anyone "+
			"who made it can point anywhere: %w", path, errUnsafeState)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, fmt.Errorf("read state: %w", err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read state %s: %w", path, err)
	}
	if err := checkStateFile(path, info); err != nil {
		return nil, err
	}
	raw, err := io.ReadAll(io.LimitReader(f, maxState+1))
	if err != nil {
		return nil, fmt.Errorf("read state %s: %w", path, err)
	}
	if len(raw) > maxState {
		return nil, fmt.Errorf("state %s is over %d bytes", path, maxState)
	}
	return raw, nil
}

// check refuses a state that lacks a field or belongs to another deploy
// than o's.
func (s state) check(o options) error {
	path := statePath(o)
	fields := []struct{ name, got, want string }{
		{"project", s.Project, o.project},
		{"region", s.Region, o.region},
		{"stage", s.Stage, o.stage()},
		{"secret_parameter", s.SecretParameter, o.secretParameter()},
	}
	for _, f := range fields {
		if f.got == "" {
			return fmt.Errorf("state %s lacks %s", path, f.name)
		}
		if f.got != f.want {
			return fmt.Errorf("state %s has %s %q, not %q: it belongs to "+
				"another deploy", path, f.name, f.got, f.want)
		}
	}
	if err := s.checkSecureX(o); err != nil {
		return fmt.Errorf("state %s: %w", path, err)
	}
	if err := s.checkSettings(); err != nil {
		return fmt.Errorf("state %s: %w", path, err)
	}
	return nil
}

// checkSecureX accepts a SecureX region's URL, or the test server URL
// given again with -securex-url: a state file must not send the client
// secret anywhere else.
func (s state) checkSecureX(o options) error {
	switch {
	case s.SecureXURL == "":
		return errors.New("securex_url is missing")
	case securex.KnownBaseURL(s.SecureXURL):
	case o.given["securex-url"] &&
		strings.TrimRight(s.SecureXURL, "/") == strings.TrimRight(o.securexURL, "/"):
	default:
		return fmt.Errorf("securex_url %q is not a SecureX region's URL "+
			"(give it with -securex-url to use it)", s.SecureXURL)
	}
	if s.ModuleTypeID != "" && !securex.ValidID(s.ModuleTypeID) {
		return fmt.Errorf("module_type_id %q is not a module type id",
			s.ModuleTypeID)
	}
	return nil
}

// checkSettings checks the recorded function settings as the flags are
// checked.
func (s state) checkSettings() error {
	if s.RelayURL != "" {
		if quoteIfNeeded(s.RelayURL) != s.RelayURL {
			return fmt.Errorf("relay_url %s is not printable ASCII",
				quoteIfNeeded(s.RelayURL))
		}
		u, err := url.Parse(s.RelayURL)
		if err != nil || u.Host == "" ||
			(u.Scheme != "https" && u.Scheme != "http") {
			return fmt.Errorf("relay_url %q is not an http(s) URL", s.RelayURL)
		}
	}
	if s.Memory == 0 || s.Timeout == 0 || s.RoleAccess == "" {
		return errors.New("memory, timeout or role_access is missing")
	}
	o := options{memory: s.Memory, timeout: s.Timeout,
		roleAccess: s.RoleAccess, assumeRole: s.AssumeRole,
		logRetention: s.LogRetention}
	if o.logRetention == 0 {
		// Recorded only since log retention could be changed on update.
		o.logRetention = defaultLogRetention
	}
	return errors.Join(o.checkFunctions()...)
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
	if err := checkStateDir(o.stateDir); err != nil {
		return withNext(err, "keep the state in a folder only you can "+
			"write: -state <folder>, mode 0700")
	}
	tmp := statePath(o) + ".tmp"
	if err := os.Remove(tmp); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("remove old temporary state: %w", err)
	}
	// O_EXCL makes a new file with mode 0600, never reusing one that
	// someone else created.
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write state: %w", err)
	}
	_, err = f.Write(append(raw, '\n'))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
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
