// Package routes holds the relay's route handlers: each reads its request,
// asks the monitored AWS account through package awsacct, and returns the
// data of its answer. Package relay wraps each in the contract every route
// shares (methods, body limits, tokens, error shape), and the functions in
// functions/ and the local server in cmd/relay serve them.
package routes
