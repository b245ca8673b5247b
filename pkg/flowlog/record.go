package flowlog

import (
	"net/netip"
	"unsafe"
)

// Action is what the security groups and network ACLs did with the traffic.
type Action uint8

// The actions a record can carry. ActionUnknown is the zero value: the
// field was "-" or not in the format.
const (
	ActionUnknown Action = iota
	ActionAccept
	ActionReject
)

// String returns the AWS word for the action, ACCEPT or REJECT, and "-"
// for ActionUnknown, as AWS writes an absent value.
func (a Action) String() string {
	switch a {
	case ActionAccept:
		return "ACCEPT"
	case ActionReject:
		return "REJECT"
	default:
		return "-"
	}
}

// LogStatus says whether the record holds traffic.
type LogStatus uint8

// The statuses a record can carry. StatusUnknown is the zero value: the
// field was "-" or not in the format. StatusNoData means there was no
// traffic in the capture window; StatusSkipData means records were lost.
const (
	StatusUnknown LogStatus = iota
	StatusOK
	StatusNoData
	StatusSkipData
)

// String returns the AWS word for the status, such as NODATA, and "-" for
// StatusUnknown.
func (s LogStatus) String() string {
	switch s {
	case StatusOK:
		return "OK"
	case StatusNoData:
		return "NODATA"
	case StatusSkipData:
		return "SKIPDATA"
	default:
		return "-"
	}
}

// Record is one parsed flow log record.
//
// A field that the format lacks, or whose value was "-", holds its zero
// value (a zero netip.Addr for addresses, nil for text) and Has reports
// false for it. Text fields alias the line given to Format.Parse and are
// valid only until that line changes; copy what must outlive it.
//
// A Record is meant to be reused for many lines: Parse sets every field of
// its format, and clears the other fields when the format differs from
// the last one. The fields are named after the AWS fields; see the Field
// constants for the AWS name and version of each.
type Record struct {
	Version int32

	SrcAddr, DstAddr       netip.Addr
	PktSrcAddr, PktDstAddr netip.Addr

	SrcPort, DstPort int32
	Protocol         int32 // IANA protocol number: 6 is TCP, 17 UDP
	Packets, Bytes   int64

	// Start and End bound the capture window in Unix seconds. A record
	// written in Unix milliseconds is converted to seconds.
	Start, End int64

	TCPFlags         int32 // OR of the flags seen: FIN 1, SYN 2, RST 4, ...
	TrafficPath      int32 // AWS path code 1 to 8
	EncryptionStatus int32

	Action    Action
	LogStatus LogStatus

	AccountID, InterfaceID, VPCID, SubnetID, InstanceID []byte

	Type                               []byte // IPv4, IPv6 or EFA
	Region, AZID                       []byte
	SublocationType, SublocationID     []byte
	PktSrcAWSService, PktDstAWSService []byte
	FlowDirection                      []byte // ingress or egress
	RejectReason                       []byte
	ResourceID                         []byte

	ECSClusterARN, ECSClusterName                   []byte
	ECSContainerInstanceARN, ECSContainerInstanceID []byte
	ECSContainerID, ECSSecondContainerID            []byte
	ECSServiceName                                  []byte
	ECSTaskDefinitionARN, ECSTaskARN, ECSTaskID     []byte

	InstanceTag, InstanceTag2   []byte
	InterfaceTag, InterfaceTag2 []byte
	ASGTag, ASGTag2             []byte
	InterfaceType               []byte

	NextHopInterfaceID, NextHopSubnetID []byte
	NextHopAZID, NextHopVPCID           []byte
	NextHopInterfaceType                []byte

	// Transit gateway flow log fields.
	ResourceType, TGWID, TGWAttachmentID     []byte
	TGWSrcVPCAccountID, TGWDstVPCAccountID   []byte
	TGWSrcVPCID, TGWDstVPCID                 []byte
	TGWSrcSubnetID, TGWDstSubnetID           []byte
	TGWSrcENI, TGWDstENI                     []byte
	TGWSrcAZID, TGWDstAZID                   []byte
	TGWPairAttachmentID                      []byte
	PacketsLostNoRoute, PacketsLostBlackhole int64
	PacketsLostMTUExceeded                   int64
	PacketsLostTTLExpired                    int64

	// present has bit f set when field f held a value.
	present fieldSet
	// format identifies the Format that last filled the record, so that
	// fields of another format are cleared when the format changes.
	format uint64
}

// Has reports whether f is in the format of the last Parse and its value
// was not "-".
func (r *Record) Has(f Field) bool {
	return r.present.has(f)
}

// fieldSet is a set of fields, one bit each.
type fieldSet [2]uint64

func (s *fieldSet) has(f Field) bool {
	return f < fieldCount && s[f>>6]&(1<<(f&63)) != 0
}

func (s *fieldSet) add(f Field) {
	s[f>>6] |= 1 << (f & 63)
}

// fieldOffsets gives where each field's value lives in a Record. The kind
// of the field (see fields) says the type stored there; a test checks that
// the two agree for every field.
var fieldOffsets = [fieldCount]uintptr{
	FieldVersion:     unsafe.Offsetof(Record{}.Version),
	FieldAccountID:   unsafe.Offsetof(Record{}.AccountID),
	FieldInterfaceID: unsafe.Offsetof(Record{}.InterfaceID),
	FieldSrcAddr:     unsafe.Offsetof(Record{}.SrcAddr),
	FieldDstAddr:     unsafe.Offsetof(Record{}.DstAddr),
	FieldSrcPort:     unsafe.Offsetof(Record{}.SrcPort),
	FieldDstPort:     unsafe.Offsetof(Record{}.DstPort),
	FieldProtocol:    unsafe.Offsetof(Record{}.Protocol),
	FieldPackets:     unsafe.Offsetof(Record{}.Packets),
	FieldBytes:       unsafe.Offsetof(Record{}.Bytes),
	FieldStart:       unsafe.Offsetof(Record{}.Start),
	FieldEnd:         unsafe.Offsetof(Record{}.End),
	FieldAction:      unsafe.Offsetof(Record{}.Action),
	FieldLogStatus:   unsafe.Offsetof(Record{}.LogStatus),

	FieldVPCID:      unsafe.Offsetof(Record{}.VPCID),
	FieldSubnetID:   unsafe.Offsetof(Record{}.SubnetID),
	FieldInstanceID: unsafe.Offsetof(Record{}.InstanceID),
	FieldTCPFlags:   unsafe.Offsetof(Record{}.TCPFlags),
	FieldType:       unsafe.Offsetof(Record{}.Type),
	FieldPktSrcAddr: unsafe.Offsetof(Record{}.PktSrcAddr),
	FieldPktDstAddr: unsafe.Offsetof(Record{}.PktDstAddr),

	FieldRegion:          unsafe.Offsetof(Record{}.Region),
	FieldAZID:            unsafe.Offsetof(Record{}.AZID),
	FieldSublocationType: unsafe.Offsetof(Record{}.SublocationType),
	FieldSublocationID:   unsafe.Offsetof(Record{}.SublocationID),

	FieldPktSrcAWSService: unsafe.Offsetof(Record{}.PktSrcAWSService),
	FieldPktDstAWSService: unsafe.Offsetof(Record{}.PktDstAWSService),
	FieldFlowDirection:    unsafe.Offsetof(Record{}.FlowDirection),
	FieldTrafficPath:      unsafe.Offsetof(Record{}.TrafficPath),

	FieldECSClusterARN:           unsafe.Offsetof(Record{}.ECSClusterARN),
	FieldECSClusterName:          unsafe.Offsetof(Record{}.ECSClusterName),
	FieldECSContainerInstanceARN: unsafe.Offsetof(Record{}.ECSContainerInstanceARN),
	FieldECSContainerInstanceID:  unsafe.Offsetof(Record{}.ECSContainerInstanceID),
	FieldECSContainerID:          unsafe.Offsetof(Record{}.ECSContainerID),
	FieldECSSecondContainerID:    unsafe.Offsetof(Record{}.ECSSecondContainerID),
	FieldECSServiceName:          unsafe.Offsetof(Record{}.ECSServiceName),
	FieldECSTaskDefinitionARN:    unsafe.Offsetof(Record{}.ECSTaskDefinitionARN),
	FieldECSTaskARN:              unsafe.Offsetof(Record{}.ECSTaskARN),
	FieldECSTaskID:               unsafe.Offsetof(Record{}.ECSTaskID),

	FieldRejectReason:     unsafe.Offsetof(Record{}.RejectReason),
	FieldResourceID:       unsafe.Offsetof(Record{}.ResourceID),
	FieldEncryptionStatus: unsafe.Offsetof(Record{}.EncryptionStatus),

	FieldInstanceTag:          unsafe.Offsetof(Record{}.InstanceTag),
	FieldInstanceTag2:         unsafe.Offsetof(Record{}.InstanceTag2),
	FieldInterfaceTag:         unsafe.Offsetof(Record{}.InterfaceTag),
	FieldInterfaceTag2:        unsafe.Offsetof(Record{}.InterfaceTag2),
	FieldASGTag:               unsafe.Offsetof(Record{}.ASGTag),
	FieldASGTag2:              unsafe.Offsetof(Record{}.ASGTag2),
	FieldInterfaceType:        unsafe.Offsetof(Record{}.InterfaceType),
	FieldNextHopInterfaceID:   unsafe.Offsetof(Record{}.NextHopInterfaceID),
	FieldNextHopSubnetID:      unsafe.Offsetof(Record{}.NextHopSubnetID),
	FieldNextHopAZID:          unsafe.Offsetof(Record{}.NextHopAZID),
	FieldNextHopVPCID:         unsafe.Offsetof(Record{}.NextHopVPCID),
	FieldNextHopInterfaceType: unsafe.Offsetof(Record{}.NextHopInterfaceType),

	FieldResourceType:           unsafe.Offsetof(Record{}.ResourceType),
	FieldTGWID:                  unsafe.Offsetof(Record{}.TGWID),
	FieldTGWAttachmentID:        unsafe.Offsetof(Record{}.TGWAttachmentID),
	FieldTGWSrcVPCAccountID:     unsafe.Offsetof(Record{}.TGWSrcVPCAccountID),
	FieldTGWDstVPCAccountID:     unsafe.Offsetof(Record{}.TGWDstVPCAccountID),
	FieldTGWSrcVPCID:            unsafe.Offsetof(Record{}.TGWSrcVPCID),
	FieldTGWDstVPCID:            unsafe.Offsetof(Record{}.TGWDstVPCID),
	FieldTGWSrcSubnetID:         unsafe.Offsetof(Record{}.TGWSrcSubnetID),
	FieldTGWDstSubnetID:         unsafe.Offsetof(Record{}.TGWDstSubnetID),
	FieldTGWSrcENI:              unsafe.Offsetof(Record{}.TGWSrcENI),
	FieldTGWDstENI:              unsafe.Offsetof(Record{}.TGWDstENI),
	FieldTGWSrcAZID:             unsafe.Offsetof(Record{}.TGWSrcAZID),
	FieldTGWDstAZID:             unsafe.Offsetof(Record{}.TGWDstAZID),
	FieldTGWPairAttachmentID:    unsafe.Offsetof(Record{}.TGWPairAttachmentID),
	FieldPacketsLostNoRoute:     unsafe.Offsetof(Record{}.PacketsLostNoRoute),
	FieldPacketsLostBlackhole:   unsafe.Offsetof(Record{}.PacketsLostBlackhole),
	FieldPacketsLostMTUExceeded: unsafe.Offsetof(Record{}.PacketsLostMTUExceeded),
	FieldPacketsLostTTLExpired:  unsafe.Offsetof(Record{}.PacketsLostTTLExpired),
}

// The accessors below return the value at offset off of r, which must be
// an offset from fieldOffsets of a field of the matching kind.

func (r *Record) textAt(off uintptr) *[]byte {
	return (*[]byte)(unsafe.Add(unsafe.Pointer(r), off))
}

func (r *Record) addrAt(off uintptr) *netip.Addr {
	return (*netip.Addr)(unsafe.Add(unsafe.Pointer(r), off))
}

func (r *Record) int32At(off uintptr) *int32 {
	return (*int32)(unsafe.Add(unsafe.Pointer(r), off))
}

func (r *Record) int64At(off uintptr) *int64 {
	return (*int64)(unsafe.Add(unsafe.Pointer(r), off))
}
