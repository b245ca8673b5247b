// Package observe answers "what did this address talk to?" from VPC Flow
// Log records, as CTIM sightings.
//
// It knows nothing of AWS: an Inventory says which EC2 instance holds an
// address and which networks are internal, and a FlowSource streams the raw
// flow log records of a time window that may involve some addresses. The
// package splits the lookback into windows searched in parallel, parses each
// record without allocating, re-checks it exactly against the addresses,
// and folds the matches into one group per subject, peer, direction and
// action. Memory stays bounded however many records stream through: only
// groups are kept, and past a cap only the newest groups survive.
package observe
