package observe

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws-vpc-flow-relay/relay/pkg/flowlog"
)

// BenchmarkSearch measures the whole search path over records in memory:
// parsing, exact matching and grouping, one window on one goroutine. One
// record in four involves the subject, across 2,000 peers.
func BenchmarkSearch(b *testing.B) {
	const records = 100_000
	m := &memorySource{format: flowlog.DefaultFormat}
	for i := range records {
		src := fmt.Sprintf("10.0.%d.%d", i%7, i%200+1)
		if i%4 == 0 {
			src = "10.0.1.5"
		}
		dst := fmt.Sprintf("198.51.%d.%d", i%8, i%250+1)
		m.add(t0, src, dst, 40000+i%1000, 443, 6, "ACCEPT", i%7000)
	}
	req := request("10.0.1.5")
	req.Parallel = 1
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := Run(context.Background(), inventory, m, req); err != nil {
			b.Fatal(err)
		}
	}
	perOp := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(float64(records)/perOp.Seconds(), "records/s")
}
