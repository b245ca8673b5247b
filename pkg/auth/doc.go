// Package auth verifies the JSON Web Tokens that SecureX and XDR send with
// every relay call.
//
// Two schemes are accepted. A configuration token is signed with HS256 using
// the relay secret that the deploy tool generated; its payload carries the
// module's configuration. A key-set token is signed with RS256 by a Cisco
// identity service; its payload names that service in jwks_host, and the
// public keys are fetched from https://<jwks_host>/.well-known/jwks.
//
// The algorithm is chosen by the relay, not by the token: an HS256 token is
// checked only against the relay secret, an RS256 token only against RSA keys
// from an allow-listed host, and everything else is refused. Nothing is
// fetched from a host that is not on the allow-list, which closes the
// server-side request forgery hole that naive relays leave open.
//
// Every error Verify returns is a *failure.Error of kind
// failure.Unauthorized. Its message is safe to show to the caller and never
// contains the token, the relay secret or any key material.
package auth
