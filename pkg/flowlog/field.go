package flowlog

import (
	"math"
	"strconv"
)

// Field names one flow log field. The zero value, FieldUnknown, stands for
// a name this package does not know; a Format keeps such names and skips
// their values.
type Field uint8

// FieldUnknown is a field name this package does not know.
const FieldUnknown Field = 0

// The fields of VPC flow logs, in the order of the AWS field table; the
// comment before each group names the flow log version that added it.
const (
	// Version 2: the default format, in its order.
	FieldVersion Field = iota + 1
	FieldAccountID
	FieldInterfaceID
	FieldSrcAddr
	FieldDstAddr
	FieldSrcPort
	FieldDstPort
	FieldProtocol
	FieldPackets
	FieldBytes
	FieldStart
	FieldEnd
	FieldAction
	FieldLogStatus

	// Version 3.
	FieldVPCID
	FieldSubnetID
	FieldInstanceID
	FieldTCPFlags
	FieldType
	FieldPktSrcAddr
	FieldPktDstAddr

	// Version 4.
	FieldRegion
	FieldAZID
	FieldSublocationType
	FieldSublocationID

	// Version 5.
	FieldPktSrcAWSService
	FieldPktDstAWSService
	FieldFlowDirection
	FieldTrafficPath

	// Version 7: Amazon ECS.
	FieldECSClusterARN
	FieldECSClusterName
	FieldECSContainerInstanceARN
	FieldECSContainerInstanceID
	FieldECSContainerID
	FieldECSSecondContainerID
	FieldECSServiceName
	FieldECSTaskDefinitionARN
	FieldECSTaskARN
	FieldECSTaskID

	// Version 8.
	FieldRejectReason

	// Version 9.
	FieldResourceID

	// Version 10.
	FieldEncryptionStatus

	// Version 11: tags and next hop.
	FieldInstanceTag
	FieldInstanceTag2
	FieldInterfaceTag
	FieldInterfaceTag2
	FieldASGTag
	FieldASGTag2
	FieldInterfaceType
	FieldNextHopInterfaceID
	FieldNextHopSubnetID
	FieldNextHopAZID
	FieldNextHopVPCID
	FieldNextHopInterfaceType

	// Transit gateway flow logs (version 6) add these to the fields above.
	FieldResourceType
	FieldTGWID
	FieldTGWAttachmentID
	FieldTGWSrcVPCAccountID
	FieldTGWDstVPCAccountID
	FieldTGWSrcVPCID
	FieldTGWDstVPCID
	FieldTGWSrcSubnetID
	FieldTGWDstSubnetID
	FieldTGWSrcENI
	FieldTGWDstENI
	FieldTGWSrcAZID
	FieldTGWDstAZID
	FieldTGWPairAttachmentID
	FieldPacketsLostNoRoute
	FieldPacketsLostBlackhole
	FieldPacketsLostMTUExceeded
	FieldPacketsLostTTLExpired

	// fieldCount is one past the last field.
	fieldCount
)

// kind says how a field's value is read and where it is stored.
type kind uint8

const (
	kindSkip    kind = iota // an unknown name: the value is not read
	kindText                // kept as bytes of the line
	kindAddr                // an IPv4 or IPv6 address
	kindInt32               // a non-negative number up to the field's max
	kindInt64               // a non-negative number up to math.MaxInt64
	kindTime                // Unix seconds (milliseconds are converted)
	kindAction              // ACCEPT or REJECT
	kindStatus              // OK, NODATA or SKIPDATA
	kindSkipRun             // a run of values no one reads; max counts them
)

// fieldInfo is what the package knows of one field.
type fieldInfo struct {
	name    string
	kind    kind
	version uint8
	max     uint64 // largest value of a number field
}

// Limits of the number fields.
const (
	maxInt32 = math.MaxInt32
	maxInt64 = math.MaxInt64
	maxPort  = 65535
	// maxProtocol is the largest IANA protocol number: it is one byte.
	maxProtocol = 255
)

// fields describes every known field, indexed by Field.
var fields = [fieldCount]fieldInfo{
	FieldUnknown:     {name: "unknown", kind: kindSkip},
	FieldVersion:     int32Info("version", 2, maxInt32),
	FieldAccountID:   textInfo("account-id", 2),
	FieldInterfaceID: textInfo("interface-id", 2),
	FieldSrcAddr:     addrInfo("srcaddr", 2),
	FieldDstAddr:     addrInfo("dstaddr", 2),
	FieldSrcPort:     int32Info("srcport", 2, maxPort),
	FieldDstPort:     int32Info("dstport", 2, maxPort),
	FieldProtocol:    int32Info("protocol", 2, maxProtocol),
	FieldPackets:     int64Info("packets", 2),
	FieldBytes:       int64Info("bytes", 2),
	FieldStart:       {"start", kindTime, 2, maxInt64},
	FieldEnd:         {"end", kindTime, 2, maxInt64},
	FieldAction:      {"action", kindAction, 2, 0},
	FieldLogStatus:   {"log-status", kindStatus, 2, 0},

	FieldVPCID:      textInfo("vpc-id", 3),
	FieldSubnetID:   textInfo("subnet-id", 3),
	FieldInstanceID: textInfo("instance-id", 3),
	FieldTCPFlags:   int32Info("tcp-flags", 3, maxInt32),
	FieldType:       textInfo("type", 3),
	FieldPktSrcAddr: addrInfo("pkt-srcaddr", 3),
	FieldPktDstAddr: addrInfo("pkt-dstaddr", 3),

	FieldRegion:          textInfo("region", 4),
	FieldAZID:            textInfo("az-id", 4),
	FieldSublocationType: textInfo("sublocation-type", 4),
	FieldSublocationID:   textInfo("sublocation-id", 4),

	FieldPktSrcAWSService: textInfo("pkt-src-aws-service", 5),
	FieldPktDstAWSService: textInfo("pkt-dst-aws-service", 5),
	FieldFlowDirection:    textInfo("flow-direction", 5),
	FieldTrafficPath:      int32Info("traffic-path", 5, maxInt32),

	FieldECSClusterARN:           textInfo("ecs-cluster-arn", 7),
	FieldECSClusterName:          textInfo("ecs-cluster-name", 7),
	FieldECSContainerInstanceARN: textInfo("ecs-container-instance-arn", 7),
	FieldECSContainerInstanceID:  textInfo("ecs-container-instance-id", 7),
	FieldECSContainerID:          textInfo("ecs-container-id", 7),
	FieldECSSecondContainerID:    textInfo("ecs-second-container-id", 7),
	FieldECSServiceName:          textInfo("ecs-service-name", 7),
	FieldECSTaskDefinitionARN:    textInfo("ecs-task-definition-arn", 7),
	FieldECSTaskARN:              textInfo("ecs-task-arn", 7),
	FieldECSTaskID:               textInfo("ecs-task-id", 7),

	FieldRejectReason:     textInfo("reject-reason", 8),
	FieldResourceID:       textInfo("resource-id", 9),
	FieldEncryptionStatus: int32Info("encryption-status", 10, maxInt32),

	FieldInstanceTag:          textInfo("instance-tag", 11),
	FieldInstanceTag2:         textInfo("instance-tag-2", 11),
	FieldInterfaceTag:         textInfo("interface-tag", 11),
	FieldInterfaceTag2:        textInfo("interface-tag-2", 11),
	FieldASGTag:               textInfo("asg-tag", 11),
	FieldASGTag2:              textInfo("asg-tag-2", 11),
	FieldInterfaceType:        textInfo("interface-type", 11),
	FieldNextHopInterfaceID:   textInfo("next-hop-interface-id", 11),
	FieldNextHopSubnetID:      textInfo("next-hop-subnet-id", 11),
	FieldNextHopAZID:          textInfo("next-hop-az-id", 11),
	FieldNextHopVPCID:         textInfo("next-hop-vpc-id", 11),
	FieldNextHopInterfaceType: textInfo("next-hop-interface-type", 11),

	FieldResourceType:           textInfo("resource-type", 6),
	FieldTGWID:                  textInfo("tgw-id", 6),
	FieldTGWAttachmentID:        textInfo("tgw-attachment-id", 6),
	FieldTGWSrcVPCAccountID:     textInfo("tgw-src-vpc-account-id", 6),
	FieldTGWDstVPCAccountID:     textInfo("tgw-dst-vpc-account-id", 6),
	FieldTGWSrcVPCID:            textInfo("tgw-src-vpc-id", 6),
	FieldTGWDstVPCID:            textInfo("tgw-dst-vpc-id", 6),
	FieldTGWSrcSubnetID:         textInfo("tgw-src-subnet-id", 6),
	FieldTGWDstSubnetID:         textInfo("tgw-dst-subnet-id", 6),
	FieldTGWSrcENI:              textInfo("tgw-src-eni", 6),
	FieldTGWDstENI:              textInfo("tgw-dst-eni", 6),
	FieldTGWSrcAZID:             textInfo("tgw-src-az-id", 6),
	FieldTGWDstAZID:             textInfo("tgw-dst-az-id", 6),
	FieldTGWPairAttachmentID:    textInfo("tgw-pair-attachment-id", 6),
	FieldPacketsLostNoRoute:     int64Info("packets-lost-no-route", 6),
	FieldPacketsLostBlackhole:   int64Info("packets-lost-blackhole", 6),
	FieldPacketsLostMTUExceeded: int64Info("packets-lost-mtu-exceeded", 6),
	FieldPacketsLostTTLExpired:  int64Info("packets-lost-ttl-expired", 6),
}

// textInfo, addrInfo, int32Info and int64Info describe a field of one kind
// that version v introduced.
func textInfo(name string, v uint8) fieldInfo {
	return fieldInfo{name: name, kind: kindText, version: v}
}

func addrInfo(name string, v uint8) fieldInfo {
	return fieldInfo{name: name, kind: kindAddr, version: v}
}

func int32Info(name string, v uint8, max uint64) fieldInfo {
	return fieldInfo{name: name, kind: kindInt32, version: v, max: max}
}

func int64Info(name string, v uint8) fieldInfo {
	return fieldInfo{name: name, kind: kindInt64, version: v, max: maxInt64}
}

// fieldsByName maps each AWS field name to its Field.
var fieldsByName = func() map[string]Field {
	m := make(map[string]Field, fieldCount)
	for f := FieldUnknown + 1; f < fieldCount; f++ {
		m[fields[f].name] = f
	}
	return m
}()

// String returns the field's AWS name, such as "pkt-srcaddr". FieldUnknown
// is "unknown"; a value outside the known fields is "Field(n)".
func (f Field) String() string {
	if f >= fieldCount {
		return "Field(" + strconv.Itoa(int(f)) + ")"
	}
	return fields[f].name
}

// Version returns the flow log version that introduced the field: 2 for
// the default fields, 6 for the transit gateway fields, and 0 for
// FieldUnknown or a value outside the known fields.
func (f Field) Version() int {
	if f >= fieldCount {
		return 0
	}
	return int(fields[f].version)
}

// LookupField returns the field with the AWS name name, such as
// "pkt-srcaddr". Names are matched exactly; the "${...}" of a LogFormat is
// not part of the name.
func LookupField(name string) (Field, bool) {
	f, ok := fieldsByName[name]
	return f, ok
}
