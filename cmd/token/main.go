// Command token mints a configuration token for local work, as SecureX
// would sign one for the relay: the given KEY=VALUE pairs become claims,
// signed by HS256 with RELAY_SECRET. Values that are JSON (numbers, true,
// false) are kept as JSON; anything else is a string.
//
// Usage:
//
//	RELAY_SECRET=... token [-aud URL] [-ttl 1h] REGION=us-east-1 LOG_GROUP=flows
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/auth"
)

func main() {
	aud := flag.String("aud", "http://127.0.0.1:8080", "the relay's URL, the token's audience")
	ttl := flag.Duration("ttl", time.Hour, "how long the token is valid")
	flag.Parse()
	tok, err := mint(os.Getenv("RELAY_SECRET"), *aud, *ttl, flag.Args())
	if err != nil {
		fmt.Fprintln(os.Stderr, "token: "+err.Error())
		os.Exit(2)
	}
	fmt.Println(tok)
}

// mint builds the claims from KEY=VALUE pairs and signs them.
func mint(secret, aud string, ttl time.Duration, pairs []string) (string, error) {
	if secret == "" {
		return "", errors.New("set RELAY_SECRET to the relay's secret")
	}
	now := time.Now()
	claims := map[string]any{"aud": aud, "iat": now.Unix(), "exp": now.Add(ttl).Unix()}
	for _, p := range pairs {
		key, value, ok := strings.Cut(p, "=")
		if !ok || key == "" {
			return "", fmt.Errorf("claim %q is not KEY=VALUE", p)
		}
		var v any
		if err := json.Unmarshal([]byte(value), &v); err != nil {
			v = value
		}
		claims[key] = v
	}
	return auth.SignHS256([]byte(secret), claims)
}
