// Package seed fills an AWS emulator (moto's server or LocalStack) with a
// small, realistic account whose VPC Flow Logs the relay can be tested
// against, and returns the ground truth those tests compare with.
//
// Run builds one VPC with IPv4 and IPv6 addresses, public and private
// subnets, an internet gateway, a NAT gateway, security groups and four
// named instances (one behind an Elastic IP, one with two network
// interfaces, one with an IPv6 address, one stopped). It creates two flow
// logs for the VPC, one with a custom version 5 format and one with the
// default format, and writes generated records into their log groups, one
// log stream per network interface.
//
// The records follow a traffic model: internet clients of a web server,
// rejected scans, administrators' SSH sessions, pings, east-west traffic
// between the tiers, DNS queries to the VPC resolver, IPv6 clients, updates
// through the NAT gateway, NODATA and SKIPDATA lines and a few malformed
// lines. Generation is deterministic for a seed and an account.
//
// The returned Truth lists the account's identifiers and, for a set of query
// addresses, the statistics a correct relay reproduces from the records.
// Statistics are kept per day of the lookback, and no record lies within
// BoundaryGap of a day boundary, so a lookback of N days computed near the
// seeding time sees exactly the first N days of the Truth.
//
// The package reads its AWS endpoint, credentials and region from the
// aws.Config it is given and sets none of them.
package seed
