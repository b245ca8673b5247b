// Package tiles defines the relay's five SecureX dashboard tiles and the
// shapes of their data, without any AWS dependency.
//
// A tile is found by id with Find; Definition.Period checks a requested
// period against the tile's. The builders turn plain facts into tile
// data: Summary turns resource counts into a metric group, EC2Table turns
// instances into a markdown table, FlowTotals become a donut, and a parsed
// IAM credential report (ParseCredentialReport) becomes the login and API
// bar charts. Package awsacct gathers the facts; package routes serves the
// tiles.
package tiles
