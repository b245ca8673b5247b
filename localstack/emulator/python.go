package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// probeScript imports what `python -m moto.server` needs and prints moto's
// version.
const probeScript = "import moto, moto.server, flask, flask_cors; " +
	"print(moto.__version__)"

// candidatePythons lists the interpreters to try, in order: the one on PATH,
// then pyenv's 3.11.7 (where the machine image installs moto), then the
// project's own virtual environment.
func candidatePythons(s settings) []string {
	if s.pythons != nil {
		return s.pythons
	}
	list := []string{"python3"}
	if root := pyenvRoot(); root != "" {
		list = append(list,
			filepath.Join(root, "versions", "3.11.7", "bin", "python3"))
	}
	return append(list, venvPython(s))
}

// pyenvRoot returns `pyenv root`, or PYENV_ROOT, or empty when neither
// is known.
func pyenvRoot() string {
	out, err := exec.Command("pyenv", "root").Output()
	if err == nil {
		return strings.TrimSpace(string(out))
	}
	return os.Getenv("PYENV_ROOT")
}

// venvPython returns the interpreter of the project's virtual environment.
func venvPython(s settings) string {
	return filepath.Join(s.venvDir(), "bin", "python3")
}

// motoVersionOf returns the moto version python can run a server with, or
// an error saying why it cannot.
func motoVersionOf(ctx context.Context, python string) (string, error) {
	out, err := exec.CommandContext(ctx, python, "-c", probeScript).Output()
	if err != nil {
		return "", fmt.Errorf("import moto.server with %s: %w", python, err)
	}
	return strings.TrimSpace(string(out)), nil
}

// findPython returns the first candidate that runs moto's server at
// motoVersion, or an error when none does.
func findPython(ctx context.Context, s settings) (string, error) {
	for _, python := range candidatePythons(s) {
		version, err := motoVersionOf(ctx, python)
		switch {
		case err != nil:
			continue
		case version != motoVersion:
			s.logf("%s has moto %s, want %s", python, version, motoVersion)
		default:
			return python, nil
		}
	}
	return "", errors.New("no Python with moto " + motoVersion)
}

// installMoto creates the project's virtual environment with the first
// candidate interpreter that exists and installs moto's server into it.
func installMoto(ctx context.Context, s settings) (string, error) {
	base, err := baseInterpreter(s)
	if err != nil {
		return "", err
	}
	spec := "moto[server]==" + motoVersion
	steps := [][]string{
		{base, "-m", "venv", s.venvDir()},
		{venvPython(s), "-m", "pip", "install", "--quiet", spec},
	}
	for _, step := range steps {
		s.logf("running: %s", strings.Join(step, " "))
		cmd := exec.CommandContext(ctx, step[0], step[1:]...)
		cmd.Stdout, cmd.Stderr = s.log, s.log
		if err := cmd.Run(); err != nil {
			return "", fmt.Errorf("run %s: %w", strings.Join(step, " "), err)
		}
	}

	version, err := motoVersionOf(ctx, venvPython(s))
	if err != nil {
		return "", fmt.Errorf("check the new virtual environment: %w", err)
	}
	if version != motoVersion {
		return "", fmt.Errorf("virtual environment has moto %s, want %s",
			version, motoVersion)
	}
	return venvPython(s), nil
}

// baseInterpreter returns the first candidate, other than the project's own
// virtual environment, that can be run at all.
func baseInterpreter(s settings) (string, error) {
	for _, python := range candidatePythons(s) {
		if python == venvPython(s) {
			continue
		}
		if path, err := exec.LookPath(python); err == nil {
			return path, nil
		}
	}
	return "", errors.New("no python3 to create a virtual environment with")
}
