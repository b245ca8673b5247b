package ctim

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"time"
)

// SchemaVersion is the CTIM schema version stamped on every entity: the
// one Cisco's XDR relay templates emit. Every field this package writes
// exists in it; the validator's vocabularies follow the current CTIM
// release (1.3).
const SchemaVersion = "1.1.12"

// Entity type names, as the "type" field holds them.
const (
	TypeSighting     = "sighting"
	TypeRelationship = "relationship"
	TypeJudgement    = "judgement"
	TypeIndicator    = "indicator"
	TypeVerdict      = "verdict"
)

// Observable is a typed value SecureX can pivot on, such as an IP address.
type Observable struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

// ObservedTime is the period a sighting covers. A nil EndTime means the
// observation was a single instant.
type ObservedTime struct {
	StartTime Time  `json:"start_time"`
	EndTime   *Time `json:"end_time,omitempty"`
}

// ObservedBetween returns the ObservedTime from start to end.
func ObservedBetween(start, end time.Time) ObservedTime {
	e := TimeOf(end)
	return ObservedTime{StartTime: TimeOf(start), EndTime: &e}
}

// ObservedRelation states that Source relates to Related, such as an
// address that connected to another. Origin names who observed it.
// RelationInfo holds free details (ports, protocol, byte counts).
type ObservedRelation struct {
	Origin       string         `json:"origin"`
	Relation     string         `json:"relation"`
	Source       Observable     `json:"source"`
	Related      Observable     `json:"related"`
	RelationInfo map[string]any `json:"relation_info,omitempty"`
}

// Target is the device a sighting happened on, a CTIM identity
// specification. Type is a sensor name such as "endpoint".
type Target struct {
	Type         string       `json:"type"`
	Observables  []Observable `json:"observables"`
	ObservedTime ObservedTime `json:"observed_time"`
	OS           string       `json:"os,omitempty"`
}

// Column defines one column of a DataTable. Type is one of integer,
// number, string, url, markdown or observable. A column holds no nulls
// unless Required points to false; nil leaves CTIM's default, true.
type Column struct {
	Name             string `json:"name"`
	Type             string `json:"type"`
	Description      string `json:"description,omitempty"`
	ShortDescription string `json:"short_description,omitempty"`
	Required         *bool  `json:"required,omitempty"`
}

// Nullable returns c marked as a column whose cells may be null.
func (c Column) Nullable() Column {
	required := false
	c.Required = &required
	return c
}

// DataTable is a table embedded in a sighting. Every row holds one cell
// per column, and RowCount equals len(Rows).
type DataTable struct {
	Columns  []Column `json:"columns"`
	Rows     [][]any  `json:"rows"`
	RowCount int      `json:"row_count"`
}

// Sighting records that an observable was seen, here in network flows.
// Confidence, Count and ObservedTime are required by CTIM; NewSighting
// fills Type, SchemaVersion and ID. Internal is always written, since
// false is a statement too.
type Sighting struct {
	Type             string             `json:"type"`
	SchemaVersion    string             `json:"schema_version"`
	ID               string             `json:"id"`
	ExternalIDs      []string           `json:"external_ids,omitempty"`
	Source           string             `json:"source,omitempty"`
	SourceURI        string             `json:"source_uri,omitempty"`
	Title            string             `json:"title,omitempty"`
	Description      string             `json:"description,omitempty"`
	ShortDescription string             `json:"short_description,omitempty"`
	Confidence       string             `json:"confidence"`
	Severity         string             `json:"severity,omitempty"`
	TLP              string             `json:"tlp,omitempty"`
	Count            int                `json:"count"`
	ObservedTime     ObservedTime       `json:"observed_time"`
	Timestamp        Time               `json:"timestamp,omitzero"`
	Internal         bool               `json:"internal"`
	Resolution       string             `json:"resolution,omitempty"`
	Sensor           string             `json:"sensor,omitempty"`
	Observables      []Observable       `json:"observables,omitempty"`
	Relations        []ObservedRelation `json:"relations,omitempty"`
	Targets          []Target           `json:"targets,omitempty"`
	Data             *DataTable         `json:"data,omitempty"`
}

// Relationship links two entities by id, such as a sighting to the
// indicator it is a sighting of.
type Relationship struct {
	Type             string   `json:"type"`
	SchemaVersion    string   `json:"schema_version"`
	ID               string   `json:"id"`
	ExternalIDs      []string `json:"external_ids,omitempty"`
	RelationshipType string   `json:"relationship_type"`
	SourceRef        string   `json:"source_ref"`
	TargetRef        string   `json:"target_ref"`
	Source           string   `json:"source,omitempty"`
	SourceURI        string   `json:"source_uri,omitempty"`
	Title            string   `json:"title,omitempty"`
	Description      string   `json:"description,omitempty"`
	ShortDescription string   `json:"short_description,omitempty"`
	Timestamp        Time     `json:"timestamp,omitzero"`
	TLP              string   `json:"tlp,omitempty"`
}

// NewSighting returns a Sighting with type, schema_version and a fresh
// transient id set, and nothing else.
func NewSighting() Sighting {
	return Sighting{
		Type:          TypeSighting,
		SchemaVersion: SchemaVersion,
		ID:            NewID(TypeSighting),
	}
}

// NewRelationship returns a Relationship of the given type from source to
// target, with type, schema_version and a fresh transient id set.
func NewRelationship(relationshipType, source, target string) Relationship {
	return Relationship{
		Type:             TypeRelationship,
		SchemaVersion:    SchemaVersion,
		ID:               NewID(TypeRelationship),
		RelationshipType: relationshipType,
		SourceRef:        source,
		TargetRef:        target,
	}
}

// NewID returns a unique transient id for an entity of the given type:
// "transient:<entity>-" followed by 32 random hexadecimal digits.
func NewID(entity string) string {
	var random [16]byte
	// crypto/rand.Read never returns an error; it aborts the program if
	// the system's random source fails.
	_, _ = rand.Read(random[:])
	return "transient:" + entity + "-" + hex.EncodeToString(random[:])
}

// ExternalID returns a stable id for the given parts: prefix, a hyphen,
// and the hexadecimal SHA-256 of the parts. Each part is hashed after its
// length, so ("ab", "c") and ("a", "bc") give different ids.
func ExternalID(prefix string, parts ...string) string {
	hash := sha256.New()
	var length [binary.MaxVarintLen64]byte
	for _, part := range parts {
		n := binary.PutUvarint(length[:], uint64(len(part)))
		hash.Write(length[:n])
		hash.Write([]byte(part))
	}
	return prefix + "-" + hex.EncodeToString(hash.Sum(nil))
}
