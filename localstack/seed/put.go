package seed

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	logtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"golang.org/x/sync/errgroup"
)

// PutLogEvents limits, from the CloudWatch Logs API reference.
const (
	maxBatchEvents = 10_000
	maxBatchBytes  = 1_048_576
	// eventOverhead is what CloudWatch Logs adds to each message's length
	// when it sizes a batch.
	eventOverhead = 26
	// maxBatchSpan is the longest time a batch may cover, in milliseconds.
	maxBatchSpan = 24 * 60 * 60 * 1000
	// parallelStreams is how many streams are written at once.
	parallelStreams = 4
)

// batches cuts events, sorted by time, into PutLogEvents batches within
// the count, size and time span limits.
func batches(events []event) [][]event {
	var out [][]event
	start, size := 0, 0
	for i, e := range events {
		n := len(e.message) + eventOverhead
		full := i-start == maxBatchEvents || size+n > maxBatchBytes ||
			e.timestamp-events[start].timestamp >= maxBatchSpan
		if i > start && full {
			out = append(out, events[start:i])
			start, size = i, 0
		}
		size += n
	}
	if start < len(events) {
		out = append(out, events[start:])
	}
	return out
}

// writeEvents writes every dataset's streams, a few streams at a time.
func writeEvents(
	ctx context.Context,
	logs *cloudwatchlogs.Client,
	data []dataset,
) error {
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(parallelStreams)
	for _, d := range data {
		for _, stream := range slices.Sorted(maps.Keys(d.streams)) {
			events := d.streams[stream]
			g.Go(func() error {
				return writeStream(ctx, logs, d.group, stream, events)
			})
		}
	}
	if err := g.Wait(); err != nil {
		return fmt.Errorf("write log events: %w", err)
	}
	return nil
}

// writeStream writes one stream's events, batch after batch, and fails
// if CloudWatch Logs rejects any of them.
func writeStream(
	ctx context.Context,
	logs *cloudwatchlogs.Client,
	group, stream string,
	events []event,
) error {
	for _, batch := range batches(events) {
		in := &cloudwatchlogs.PutLogEventsInput{
			LogGroupName:  aws.String(group),
			LogStreamName: aws.String(stream),
			LogEvents:     make([]logtypes.InputLogEvent, len(batch)),
		}
		for i, e := range batch {
			in.LogEvents[i] = logtypes.InputLogEvent{
				Timestamp: aws.Int64(e.timestamp), Message: aws.String(e.message),
			}
		}
		out, err := logs.PutLogEvents(ctx, in)
		if err != nil {
			return fmt.Errorf("put %d events to %s/%s: %w",
				len(batch), group, stream, err)
		}
		if r := out.RejectedLogEventsInfo; r != nil {
			return fmt.Errorf("put events to %s/%s: some rejected "+
				"(too old up to %d, too new from %d, expired up to %d)",
				group, stream, aws.ToInt32(r.TooOldLogEventEndIndex),
				aws.ToInt32(r.TooNewLogEventStartIndex),
				aws.ToInt32(r.ExpiredLogEventEndIndex))
		}
	}
	return nil
}
