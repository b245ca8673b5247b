// Command emulator starts, stops and reports the local AWS emulator that the
// relay's integration tests, the seeder and local deploys talk to.
//
// Usage:
//
//	go run ./localstack/emulator start|stop|status [-state DIR]
//
// When AWS_ENDPOINT_URL names an emulator that answers (LocalStack, or a
// moto server someone else started), start uses it and starts nothing.
// Otherwise it runs moto's server (moto 5.2.1, the engine LocalStack uses
// for EC2, IAM and CloudWatch Logs) on 127.0.0.1:4566, or on the port of a
// loopback AWS_ENDPOINT_URL. It looks for a Python that can import moto
// 5.2.1 with its server dependencies and, when there is none, installs moto
// into a virtual environment under <repo>/.cache/moto-venv.
//
// The server runs detached in its own process group. Its output goes to
// <state>/moto-<port>.log and its process id to <state>/emulator-<port>.pid
// (one pair per port, so emulators on two ports run side by side), where the
// state directory defaults to <repo>/.cache/emulator. Stop ends only a
// server that start launched, so an emulator someone else runs is never
// touched.
//
// Start prints the endpoint, and only the endpoint, on standard output:
//
//	export AWS_ENDPOINT_URL=$(go run ./localstack/emulator start)
//
// Progress goes to standard error.
package main
