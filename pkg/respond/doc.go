// Package respond holds the relay's response actions: isolating an EC2
// instance from the network and restoring it exactly.
//
// Isolation swaps the security groups of every network interface of an
// instance for the isolation group of the interface's VPC. Before it
// changes anything it records each interface's groups in tags on the
// instance, split over as many tags as AWS's 256-character value limit
// needs, and any failure part way undoes what was already changed.
// Restoring puts the recorded groups back, names any that were deleted in
// the meantime, and then removes the record. Records written by the old
// Python relay (one Pre-Isolation-SG tag for the primary interface) are
// read too.
//
// EC2 tags have no conditional write, so each action first takes a
// per-instance lock: a security group whose name is unique in the VPC,
// which only one action can create (see lock). It then reads the
// instance again and works on what it read. An instance is isolated when
// every interface holds its isolation group and no other. As a second
// line of defence, each action reads the instance again after its writes
// and writes back the record entry of any interface that holds its
// isolation group without one (see verify).
//
// The package knows nothing of AWS: an EC2 value makes the changes, and
// package awsacct implements it. Every action returns an Audit, the one
// structured log line the route writes.
package respond
