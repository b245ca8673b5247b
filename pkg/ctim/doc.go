// Package ctim holds the Cisco Threat Intelligence Model (CTIM) entities
// the relay emits, and a validator for the documents it answers with.
//
// The entities are plain structs whose JSON tags are the CTIM field names:
// a Sighting for each peer a flow log shows an observable talking to, and a
// Relationship when two entities need linking. Times are the Time type,
// which always marshals as UTC with milliseconds and a Z suffix, so no
// local time can leak into a document.
//
// Validate and ValidateResponse check decoded documents against the CTIM
// rules the relay depends on: required fields, vocabularies, length
// limits, time formats and ordering, observable values, data table shape
// and closed key sets. Tests run them on every answer the relay produces.
// The vocabularies follow CTIM's schema sources; where CTIM marks a
// vocabulary open (sensor, resolution, observed relation, relationship
// type) the validator still holds the relay to the listed values, since a
// value SecureX does not know is shown to nobody.
//
// The package imports nothing from AWS or Lambda.
package ctim
