package ctim

// This file holds the shapes of whole entities, built from the field
// groups CTIM shares between them.

// baseFields are the fields every CTIM entity has. Validate picks an
// entity's shape by its type, so the type needs no further check.
var baseFields = map[string]field{
	"id":             {required: true, check: entityID},
	"type":           {required: true},
	"schema_version": {required: true, check: schemaVersion},
	"revision":       {check: nonNegative},
	"external_ids":   {check: stringList},
	"external_references": {
		check: listOf(objectOf(externalReferenceShape)),
	},
	"timestamp": {check: timestamp},
	"language":  {check: text(shortStringMax)},
	"tlp":       {check: oneOf(tlps)},
}

// describableFields are the optional texts of a describable entity.
var describableFields = map[string]field{
	"title":             {check: text(shortStringMax)},
	"description":       {check: text(longStringMax)},
	"short_description": {check: text(medStringMax)},
}

// sourcableFields name where an entity came from; optional by default.
var sourcableFields = map[string]field{
	"source":     {check: text(medStringMax)},
	"source_uri": {check: uri},
}

// sightingShape is closed: CTIM lists every key a sighting may have.
var sightingShape = shape{
	name:   "sighting",
	closed: true,
	fields: merge(baseFields, describableFields, sourcableFields,
		map[string]field{
			"observed_time": {required: true, check: observedTime},
			"confidence":    {required: true, check: oneOf(confidences)},
			"count":         {required: true, check: nonNegative},
			"internal":      {check: boolean},
			"severity":      {check: oneOf(severities)},
			"resolution":    {check: oneOf(resolutions)},
			"data":          {check: objectOf(dataTableShape)},
			"sensor":        {check: oneOf(sensors)},
			"sensor_coordinates": {
				check: objectOf(sensorCoordinatesShape),
			},
			"targets":     {check: listOf(objectOf(targetShape))},
			"observables": {check: listOf(observable)},
			"relations":   {check: listOf(objectOf(relationShape))},
			"context":     {check: anyObject},
		}),
}

// relationshipShape is closed like sightingShape.
var relationshipShape = shape{
	name:   "relationship",
	closed: true,
	fields: merge(baseFields, describableFields, sourcableFields,
		map[string]field{
			"relationship_type": {
				required: true, check: oneOf(relationshipTypes),
			},
			"source_ref": {required: true, check: entityID},
			"target_ref": {required: true, check: entityID},
		}),
}

// judgementShape is open: only the fields below are checked.
var judgementShape = shape{
	name: "judgement",
	fields: merge(baseFields, describableFields, sourcableFields,
		map[string]field{
			"source":           {required: true, check: text(medStringMax)},
			"observable":       {required: true, check: observable},
			"disposition":      {required: true, check: integer(1, 5)},
			"disposition_name": {required: true, check: dispositionName},
			"priority":         {required: true, check: integer(0, 100)},
			"confidence":       {required: true, check: oneOf(confidences)},
			"severity":         {required: true, check: oneOf(severities)},
			"valid_time":       {required: true, check: validTime},
			"reason":           {check: text(shortStringMax)},
			"reason_uri":       {check: uri},
		}),
	after: checkDisposition,
}

// indicatorShape is open: only the fields below are checked.
var indicatorShape = shape{
	name: "indicator",
	fields: merge(baseFields, describableFields, sourcableFields,
		map[string]field{
			"valid_time": {required: true, check: validTime},
			"producer":   {required: true, check: text(shortStringMax)},
			"confidence": {check: oneOf(confidences)},
			"severity":   {check: oneOf(severities)},
			"tags":       {check: listOf(text(shortStringMax))},
			"negate":     {check: boolean},
		}),
}

// verdictShape is open. A verdict needs no id or schema_version, but
// when it has them they are checked like any entity's.
var verdictShape = shape{
	name: "verdict",
	fields: merge(baseFields, map[string]field{
		"id":               {check: entityID},
		"schema_version":   {check: schemaVersion},
		"disposition":      {required: true, check: integer(1, 5)},
		"observable":       {required: true, check: observable},
		"disposition_name": {check: dispositionName},
		"judgement_id":     {check: entityID},
		"valid_time":       {check: validTime},
	}),
	after: checkDisposition,
}

// entityShapes maps each entity type Validate knows to its shape.
var entityShapes = map[string]shape{
	TypeSighting:     sightingShape,
	TypeRelationship: relationshipShape,
	TypeJudgement:    judgementShape,
	TypeIndicator:    indicatorShape,
	TypeVerdict:      verdictShape,
}

// dispositionName accepts one of CTIM's disposition names.
func dispositionName(c *checker, path string, value any) {
	s, ok := c.str(path, value, 0)
	if ok && !isDispositionName(s) {
		c.fail(path, "is %q, want one of Clean, Malicious, Suspicious, "+
			"Common, Unknown", s)
	}
}

// isDispositionName reports whether s is a CTIM disposition name.
func isDispositionName(s string) bool {
	for _, name := range dispositionNames {
		if s == name {
			return true
		}
	}
	return false
}

// checkDisposition reports a valid disposition_name that does not match
// a valid disposition number.
func checkDisposition(c *checker, path string, m map[string]any) {
	number, _ := wholeNumber(m["disposition"])
	name, _ := m["disposition_name"].(string)
	want, known := dispositionNames[number]
	if known && isDispositionName(name) && name != want {
		c.fail(child(path, "disposition_name"),
			"is %q, but disposition %d is %q", name, number, want)
	}
}
