package seed

import (
	"slices"
	"strconv"
	"strings"
)

// CustomFormat is the LogFormat of the custom flow log: version 5 fields in
// an order unlike the default one, so a parser that splits at fixed
// positions fails on it.
const CustomFormat = "${version} ${vpc-id} ${subnet-id} ${instance-id} " +
	"${interface-id} ${account-id} ${type} ${flow-direction} ${start} " +
	"${end} ${srcaddr} ${dstaddr} ${srcport} ${dstport} ${pkt-srcaddr} " +
	"${pkt-dstaddr} ${protocol} ${bytes} ${packets} ${action} ${tcp-flags} " +
	"${log-status}"

// DefaultFormat is the version 2 format a flow log gets when it names none.
const DefaultFormat = "${version} ${account-id} ${interface-id} ${srcaddr} " +
	"${dstaddr} ${srcport} ${dstport} ${protocol} ${packets} ${bytes} " +
	"${start} ${end} ${action} ${log-status}"

// Log statuses.
const (
	statusOK       = "OK"
	statusNoData   = "NODATA"
	statusSkipData = "SKIPDATA"
)

// Actions.
const (
	actionAccept = "ACCEPT"
	actionReject = "REJECT"
)

// Protocol numbers.
const (
	protoICMP   = 1
	protoTCP    = 6
	protoUDP    = 17
	protoICMPv6 = 58
)

// record is one generated flow log line before formatting.
type record struct {
	iface     *endpointInterface
	srcAddr   string
	dstAddr   string
	pktSrc    string
	pktDst    string
	srcPort   int
	dstPort   int
	protocol  int
	packets   int64
	bytes     int64
	start     int64
	end       int64
	action    string
	status    string
	tcpFlags  int
	direction string
	ipv6      bool
	// malformed, when set, spoils base's fields into a malformed line,
	// which is written instead of this record.
	malformed func(l layout, fields []string) string
	base      *record
}

// fieldsOf returns the field names of a LogFormat, without ${}.
func fieldsOf(format string) []string {
	var fields []string
	for _, word := range strings.Fields(format) {
		word = strings.TrimPrefix(word, "${")
		fields = append(fields, strings.TrimSuffix(word, "}"))
	}
	return fields
}

// layout is how one log group spells its records.
type layout struct {
	// fields are the format's field names in order.
	fields []string
	// version is the value of the version field: 2 for the default
	// format, 5 for the custom one.
	version string
	// account is the account id every record carries.
	account string
}

// has reports whether the layout carries field.
func (l layout) has(field string) bool {
	return slices.Contains(l.fields, field)
}

// values returns the text of each field of r.
func (l layout) values(r record) []string {
	values := make([]string, len(l.fields))
	for i, f := range l.fields {
		values[i] = r.value(f, l)
	}
	return values
}

// render formats r as one line.
func (l layout) render(r record) string {
	if r.malformed != nil {
		return r.malformed(l, l.values(*r.base))
	}
	return strings.Join(l.values(r), " ")
}

// value returns the text of one field. Fields a NODATA or SKIPDATA line
// does not know are "-", as are fields this generator does not model.
func (r record) value(field string, l layout) string {
	switch field {
	case "version":
		return l.version
	case "account-id":
		return l.account
	case "interface-id":
		return r.iface.ID
	case "instance-id":
		return dash(r.iface.InstanceID)
	case "subnet-id":
		return r.iface.SubnetID
	case "vpc-id":
		return r.iface.VPCID
	case "start":
		return strconv.FormatInt(r.start, 10)
	case "end":
		return strconv.FormatInt(r.end, 10)
	case "log-status":
		return r.status
	}
	if r.status != statusOK {
		return "-"
	}
	return r.flowValue(field)
}

// flowValue returns the text of a field that only a flow record has.
func (r record) flowValue(field string) string {
	switch field {
	case "srcaddr":
		return r.srcAddr
	case "dstaddr":
		return r.dstAddr
	case "pkt-srcaddr":
		return r.pktSrc
	case "pkt-dstaddr":
		return r.pktDst
	case "srcport":
		return strconv.Itoa(r.srcPort)
	case "dstport":
		return strconv.Itoa(r.dstPort)
	case "protocol":
		return strconv.Itoa(r.protocol)
	case "packets":
		return strconv.FormatInt(r.packets, 10)
	case "bytes":
		return strconv.FormatInt(r.bytes, 10)
	case "action":
		return r.action
	case "tcp-flags":
		return strconv.Itoa(r.tcpFlags)
	case "flow-direction":
		return r.direction
	case "type":
		return map[bool]string{false: "IPv4", true: "IPv6"}[r.ipv6]
	}
	return "-"
}

// dash returns s, or "-" when s is empty.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
