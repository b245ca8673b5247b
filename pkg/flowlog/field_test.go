package flowlog

import (
	"net/netip"
	"reflect"
	"strings"
	"testing"
)

func TestLookupField(t *testing.T) {
	tests := []struct {
		name   string
		input  string
		want   Field
		wantOK bool
	}{
		{"default field", "version", FieldVersion, true},
		{"dashed name", "pkt-srcaddr", FieldPktSrcAddr, true},
		{"v5 field", "pkt-dst-aws-service", FieldPktDstAWSService, true},
		{"ECS field", "ecs-second-container-id", FieldECSSecondContainerID, true},
		{"v8 field", "reject-reason", FieldRejectReason, true},
		{"v10 field", "encryption-status", FieldEncryptionStatus, true},
		{"v11 tag field", "instance-tag-2", FieldInstanceTag2, true},
		{"v11 next hop", "next-hop-interface-type", FieldNextHopInterfaceType,
			true},
		{"transit gateway field", "packets-lost-ttl-expired",
			FieldPacketsLostTTLExpired, true},
		{"LogFormat braces are not part of the name", "${version}",
			FieldUnknown, false},
		{"names are case sensitive", "Version", FieldUnknown, false},
		{"underscores are not dashes", "pkt_srcaddr", FieldUnknown, false},
		{"empty", "", FieldUnknown, false},
		{"the unknown placeholder is no field", "unknown", FieldUnknown, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := LookupField(tt.input)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("LookupField(%q) = %v, %v; want %v, %v",
					tt.input, got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestFieldStringRoundTrip(t *testing.T) {
	seen := map[string]Field{}
	for f := FieldUnknown + 1; f < fieldCount; f++ {
		name := f.String()
		if prev, dup := seen[name]; dup {
			t.Errorf("fields %d and %d are both named %q", prev, f, name)
		}
		seen[name] = f
		if got, ok := LookupField(name); !ok || got != f {
			t.Errorf("LookupField(%q) = %v, %v; want %v, true",
				name, got, ok, f)
		}
	}
	if got, want := len(seen), 72; got != want {
		t.Errorf("known fields = %d, want %d", got, want)
	}
}

func TestFieldStringAndVersion(t *testing.T) {
	tests := []struct {
		name        string
		field       Field
		wantString  string
		wantVersion int
	}{
		{"unknown", FieldUnknown, "unknown", 0},
		{"v2", FieldLogStatus, "log-status", 2},
		{"v3", FieldPktDstAddr, "pkt-dstaddr", 3},
		{"v4", FieldAZID, "az-id", 4},
		{"v5", FieldTrafficPath, "traffic-path", 5},
		{"transit gateway", FieldTGWSrcENI, "tgw-src-eni", 6},
		{"v7", FieldECSTaskARN, "ecs-task-arn", 7},
		{"v8", FieldRejectReason, "reject-reason", 8},
		{"v9", FieldResourceID, "resource-id", 9},
		{"v10", FieldEncryptionStatus, "encryption-status", 10},
		{"v11", FieldASGTag, "asg-tag", 11},
		{"out of range", Field(200), "Field(200)", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.field.String(); got != tt.wantString {
				t.Errorf("String() = %q, want %q", got, tt.wantString)
			}
			if got := tt.field.Version(); got != tt.wantVersion {
				t.Errorf("Version() = %d, want %d", got, tt.wantVersion)
			}
		})
	}
}

// TestFieldOffsets checks the table Parse writes through: each field's
// offset must be the Record member named like the field, of the Go type
// its kind stores.
func TestFieldOffsets(t *testing.T) {
	kindTypes := map[kind]reflect.Type{
		kindText:   reflect.TypeFor[[]byte](),
		kindAddr:   reflect.TypeFor[netip.Addr](),
		kindInt32:  reflect.TypeFor[int32](),
		kindInt64:  reflect.TypeFor[int64](),
		kindTime:   reflect.TypeFor[int64](),
		kindAction: reflect.TypeFor[Action](),
		kindStatus: reflect.TypeFor[LogStatus](),
	}
	byOffset := map[uintptr]reflect.StructField{}
	rt := reflect.TypeFor[Record]()
	for i := range rt.NumField() {
		byOffset[rt.Field(i).Offset] = rt.Field(i)
	}
	used := map[uintptr]Field{}
	for f := FieldUnknown + 1; f < fieldCount; f++ {
		member, ok := byOffset[fieldOffsets[f]]
		if !ok {
			t.Errorf("%s: offset %d is no Record member", f, fieldOffsets[f])
			continue
		}
		if prev, dup := used[member.Offset]; dup {
			t.Errorf("%s and %s share Record.%s", prev, f, member.Name)
		}
		used[member.Offset] = f
		want := strings.ReplaceAll(f.String(), "-", "")
		if got := strings.ToLower(member.Name); got != want {
			t.Errorf("%s is stored in Record.%s", f, member.Name)
		}
		if got, want := member.Type, kindTypes[fields[f].kind]; got != want {
			t.Errorf("%s: Record.%s is %v, its kind stores %v",
				f, member.Name, got, want)
		}
	}
}
