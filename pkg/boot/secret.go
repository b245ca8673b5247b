package boot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/config"
)

// secretTimeout bounds the Parameter Store read at start-up, well inside
// Lambda's 10 s init phase.
const secretTimeout = 5 * time.Second

// ResolveSecret returns env with Secret filled from Parameter Store when
// SecretParameter names a parameter; otherwise env is returned as it is.
// Setting both RELAY_SECRET and RELAY_SECRET_PARAMETER is an error, so a
// function never runs with a key other than the one the deploy stored.
func ResolveSecret(ctx context.Context, env Env) (Env, error) {
	if env.SecretParameter == "" {
		return env, nil
	}
	if env.Secret != "" {
		return Env{}, errors.New("set RELAY_SECRET or RELAY_SECRET_PARAMETER, " +
			"not both")
	}
	ctx, cancel := context.WithTimeout(ctx, secretTimeout)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(ctx)
	if err != nil {
		return Env{}, fmt.Errorf("load AWS configuration to read %s: %w",
			env.SecretParameter, err)
	}
	env.Secret, err = ReadSecret(ctx, NewParameterStore(cfg), env.SecretParameter)
	if err != nil {
		return Env{}, err
	}
	return env, nil
}

// ReadSecret reads the SecureString parameter name with decryption and
// returns its value. A parameter of another type is refused, so the
// secret is never kept in clear. Errors name the parameter, never the
// value.
func ReadSecret(ctx context.Context, store ParameterReader, name string) (string, error) {
	p, err := store.ReadParameter(ctx, name)
	switch {
	case errors.Is(err, ErrParameterNotFound):
		return "", fmt.Errorf("read relay secret: parameter %s does not exist; "+
			"run `go tool task remove`, then deploy again, to make a new one", name)
	case err != nil:
		return "", fmt.Errorf("read relay secret from parameter %s "+
			"(the function role needs ssm:GetParameter on it): %w", name, err)
	}
	if p.Type != "SecureString" {
		return "", fmt.Errorf("read relay secret: parameter %s is not a "+
			"SecureString; store the secret encrypted", name)
	}
	if p.Value == "" {
		return "", fmt.Errorf("read relay secret: parameter %s is empty", name)
	}
	return p.Value, nil
}
