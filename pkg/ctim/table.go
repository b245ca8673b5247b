package ctim

import (
	"encoding/json"
	"strconv"
)

// columnShape is CTIM's column definition. A column is required unless
// it says "required": false; a required column holds no nulls.
var columnShape = shape{
	name:   "column",
	closed: true,
	fields: map[string]field{
		"name":              {required: true, check: text(0)},
		"type":              {required: true, check: oneOf(columnTypes)},
		"description":       {check: text(longStringMax)},
		"required":          {check: boolean},
		"short_description": {check: text(0)},
	},
}

var dataTableShape = shape{
	name:   "data table",
	closed: true,
	fields: map[string]field{
		"columns":   {required: true, check: listOf(objectOf(columnShape))},
		"rows":      {required: true, check: anyArray},
		"row_count": {check: nonNegative},
	},
	after: checkRows,
}

// checkRows checks every row against the columns, and row_count against
// the rows.
func checkRows(c *checker, path string, m map[string]any) {
	columns, columnsOK := m["columns"].([]any)
	rows, rowsOK := m["rows"].([]any)
	if columnsOK && len(columns) == 0 {
		c.fail(child(path, "columns"), "is empty")
	}
	if !columnsOK || !rowsOK {
		return
	}
	for i, row := range rows {
		c.row(index(child(path, "rows"), i), row, columns)
	}
	n, ok := wholeNumber(m["row_count"])
	if ok && n != len(rows) {
		c.fail(child(path, "row_count"), "is %d, but rows holds %d",
			n, len(rows))
	}
}

// row checks that a row holds one cell per column, each of its column's
// type.
func (c *checker) row(path string, value any, columns []any) {
	cells, ok := value.([]any)
	if !ok {
		c.fail(path, "is %s, want an array", kindOf(value))
		return
	}
	if len(cells) != len(columns) {
		c.fail(path, "has %d cells for %d columns", len(cells), len(columns))
		return
	}
	for i, cell := range cells {
		column, _ := columns[i].(map[string]any)
		c.cell(index(path, i), cell, column)
	}
}

// cell checks one value against its column definition. Columns that are
// themselves invalid were reported already and are not used here.
func (c *checker) cell(path string, value any, column map[string]any) {
	name, _ := column["name"].(string)
	if value == nil {
		if required, set := column["required"].(bool); !set || required {
			c.fail(path, "is null in required column %q", name)
		}
		return
	}
	var ok bool
	switch kind, _ := column["type"].(string); kind {
	case "integer":
		_, ok = wholeNumber(value)
	case "number":
		ok = isNumber(value)
	case "string", "markdown":
		_, ok = value.(string)
	case "url":
		s, isString := value.(string)
		ok = isString && isWebURL(s)
	case "observable":
		observable(c, path, value)
		return
	default:
		return
	}
	if !ok {
		c.fail(path, "is %s, not a value of %s column %q",
			describeCell(value), column["type"], name)
	}
}

// describeCell shows a cell in a message: strings quoted, numbers as
// written, other values by kind.
func describeCell(value any) string {
	switch v := value.(type) {
	case string:
		return strconv.Quote(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case json.Number:
		return v.String()
	}
	return kindOf(value)
}
