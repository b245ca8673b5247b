// Package securex is the deploy's client for the SecureX (and Cisco XDR)
// APIs: it gets an OAuth2 token for an API client and creates, finds and
// deletes the relay's integration module type.
//
// Errors from SecureX are *Error values that name the step, the answer's
// status and what the operator should do next. No error or log line carries
// the client secret, the access token or the relay secret: they are taken
// out of anything SecureX answers. The client never follows a redirect,
// which would carry them to another address.
package securex
