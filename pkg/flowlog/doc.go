// Package flowlog reads AWS VPC Flow Log records.
//
// A flow log writes each record as one line of space-separated values whose
// order is the flow log's format: the 14-field version 2 default, or a
// custom LogFormat such as "${version} ${srcaddr} ${dstaddr} ...". A Format
// describes that order; Format.Parse fills a Record from one line.
//
// Parse is built for volume: it splits and converts the line by hand, does
// not allocate, and leaves text fields of the Record pointing into the
// line. A caller reuses one Record for a whole batch and copies out what it
// keeps.
//
// A value of "-" means AWS had nothing to report for that field; the field
// then reads as its zero value and Record.Has reports false. The package
// imports nothing from AWS: it only knows the text of the records.
package flowlog
