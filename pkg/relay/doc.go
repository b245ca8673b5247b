// Package relay is the relay's HTTP contract, independent of how a request
// arrives.
//
// A Request is a plain HTTP request as either front door sees it: the API
// Gateway adapter in package lambdaapi and the local server in package
// localhttp both build one and hand it to the same Endpoint. An Endpoint
// checks the method, bounds the body, verifies the caller's token, runs the
// route's handler and renders its result or error in the relay's shape:
//
//	{"data": ...}
//	{"errors": [{"type": "fatal", "code": "invalid argument", "message": "..."}]}
//
// Errors keep HTTP 200, as SecureX expects; only an unknown route (404) and
// a wrong method (405) change the status. The mapping from the failure
// package's kinds to the codes SecureX shows lives in this package alone.
package relay
