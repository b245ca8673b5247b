package tiles

import (
	"github.com/aws-vpc-flow-relay/relay/pkg/ctim"
)

// CacheScope is the cache_scope of every tile's data: the numbers depend
// on the module's configuration, which its organisation shares.
const CacheScope = "org"

// Data is the answer of /tiles/tile-data. Labels is set for donuts, Keys
// and KeyType for bar charts; Data holds the items of the tile's type.
type Data struct {
	ValidTime    TimeRange  `json:"valid_time"`
	ObservedTime TimeRange  `json:"observed_time"`
	CacheScope   string     `json:"cache_scope"`
	Labels       [][]string `json:"labels,omitempty"`
	Keys         []Key      `json:"keys,omitempty"`
	KeyType      string     `json:"key_type,omitempty"`
	Data         any        `json:"data"`
}

// TimeRange is a CTIM time range in UTC.
type TimeRange struct {
	StartTime ctim.Time `json:"start_time"`
	EndTime   ctim.Time `json:"end_time"`
}

// NewData returns tile data covering w with the given items: both its
// valid and observed times are the window.
func NewData(w Window, items any) Data {
	r := TimeRange{StartTime: ctim.TimeOf(w.From), EndTime: ctim.TimeOf(w.To)}
	return Data{ValidTime: r, ObservedTime: r, CacheScope: CacheScope,
		Data: items}
}

// Metric is one item of a metric group. A nil Value means the count is
// unavailable; the label then says so.
type Metric struct {
	Icon      string `json:"icon"`
	Label     string `json:"label"`
	Value     *int   `json:"value"`
	ValueUnit string `json:"value-unit"`
	LinkURI   string `json:"link_uri"`
}

// DonutItem is one ring of a donut; Key indexes the first list of the
// data's Labels and each segment's Key the second.
type DonutItem struct {
	Key      int       `json:"key"`
	Value    int64     `json:"value"`
	Segments []Segment `json:"segments"`
}

// Segment is one part of a donut ring.
type Segment struct {
	Key   int   `json:"key"`
	Value int64 `json:"value"`
}

// Key names one series of a bar chart.
type Key struct {
	Key   string `json:"key"`
	Label string `json:"label"`
}

// Bar is one bar of a bar chart, with one value per series.
type Bar struct {
	Key    string     `json:"key"`
	Label  string     `json:"label"`
	Value  int        `json:"value"`
	Values []BarValue `json:"values"`
}

// BarValue is a bar's value for one series.
type BarValue struct {
	Key     string `json:"key"`
	Value   int    `json:"value"`
	Tooltip string `json:"tooltip"`
}
