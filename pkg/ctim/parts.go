package ctim

import "net/netip"

// This file holds the shapes of the objects entities embed: observables,
// times, relations, targets and data tables. All are closed in CTIM.

var observableShape = shape{
	name:   "observable",
	closed: true,
	fields: map[string]field{
		"type":  {required: true, check: oneOf(observableTypes)},
		"value": {required: true, check: text(0)},
	},
	after: checkObservableValue,
}

// observable accepts a CTIM observable whose value suits its type.
var observable = objectOf(observableShape)

// checkObservableValue checks that the value is not empty and that ip and
// ipv6 values are addresses of that family, with no zone.
func checkObservableValue(c *checker, path string, m map[string]any) {
	kind, _ := m["type"].(string)
	value, ok := m["value"].(string)
	if !ok {
		return
	}
	valuePath := child(path, "value")
	if value == "" {
		c.fail(valuePath, "is empty")
		return
	}
	addr, err := netip.ParseAddr(value)
	valid := err == nil && addr.Zone() == ""
	switch {
	case kind == "ip" && !(valid && addr.Is4()):
		c.fail(valuePath, "is %q, not an IPv4 address", value)
	case kind == "ipv6" && !(valid && addr.Is6()):
		c.fail(valuePath, "is %q, not an IPv6 address", value)
	}
}

var observedTimeShape = shape{
	name:   "observed time",
	closed: true,
	fields: map[string]field{
		"start_time": {required: true, check: timestamp},
		"end_time":   {check: timestamp},
	},
	after: checkTimeOrder,
}

// observedTime accepts a CTIM observed time whose end is not before its
// start.
var observedTime = objectOf(observedTimeShape)

// validTimeShape is observedTimeShape with both ends optional, as
// judgements and indicators use it.
var validTimeShape = shape{
	name:   "valid time",
	closed: true,
	fields: map[string]field{
		"start_time": {check: timestamp},
		"end_time":   {check: timestamp},
	},
	after: checkTimeOrder,
}

// validTime accepts a CTIM valid time.
var validTime = objectOf(validTimeShape)

// checkTimeOrder reports an end_time before start_time.
func checkTimeOrder(c *checker, path string, m map[string]any) {
	start, startOK := parseTime(m["start_time"])
	end, endOK := parseTime(m["end_time"])
	if startOK && endOK && end.Before(start) {
		c.fail(child(path, "end_time"), "is before start_time")
	}
}

var relationShape = shape{
	name:   "observed relation",
	closed: true,
	fields: map[string]field{
		"origin":        {required: true, check: text(0)},
		"origin_uri":    {check: uri},
		"relation":      {required: true, check: oneOf(relations)},
		"relation_info": {check: anyObject},
		"source":        {required: true, check: observable},
		"related":       {required: true, check: observable},
	},
}

// targetShape is CTIM's identity specification.
var targetShape = shape{
	name:   "target",
	closed: true,
	fields: map[string]field{
		"type":          {required: true, check: oneOf(sensors)},
		"observables":   {required: true, check: listOf(observable)},
		"observed_time": {required: true, check: observedTime},
		"os":            {check: text(0)},
	},
}

var sensorCoordinatesShape = shape{
	name:   "sensor coordinates",
	closed: true,
	fields: map[string]field{
		"type":        {required: true, check: oneOf(sensors)},
		"observables": {required: true, check: listOf(observable)},
		"os":          {check: text(0)},
	},
}

var externalReferenceShape = shape{
	name:   "external reference",
	closed: true,
	fields: map[string]field{
		"source_name": {required: true, check: text(medStringMax)},
		"description": {check: text(longStringMax)},
		"url":         {check: uri},
		"hashes":      {check: stringList},
		"external_id": {check: text(0)},
	},
}
