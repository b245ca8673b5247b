package seed

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

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
	written := 0
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
		out, err := putOnce(ctx, logs, in, written)
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
		written += len(batch)
	}
	return nil
}

// putAttempts bounds the tries of one batch.
const putAttempts = 3

// putOnce writes one batch exactly once. PutLogEvents is not idempotent:
// the SDK retrying a call whose answer was lost would store the batch
// twice and break the truth's counts. So the SDK does not retry it here;
// after a failed call the stream's events are counted, and the batch is
// sent again only if it did not land. before is how many events the
// stream held before the batch.
func putOnce(ctx context.Context, logs *cloudwatchlogs.Client,
	in *cloudwatchlogs.PutLogEventsInput, before int) (*cloudwatchlogs.PutLogEventsOutput, error) {
	noRetry := func(o *cloudwatchlogs.Options) { o.Retryer = aws.NopRetryer{} }
	var err error
	for range putAttempts {
		var out *cloudwatchlogs.PutLogEventsOutput
		if out, err = logs.PutLogEvents(ctx, in, noRetry); err == nil {
			return out, nil
		}
		held, cerr := streamEvents(ctx, logs, in.LogGroupName, in.LogStreamName)
		switch {
		case cerr != nil:
			return nil, errors.Join(err, cerr)
		case held == before+len(in.LogEvents):
			return &cloudwatchlogs.PutLogEventsOutput{}, nil
		case held != before:
			return nil, fmt.Errorf("the stream holds %d events, want %d or %d "+
				"after a failed put: %w", held, before, before+len(in.LogEvents), err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return nil, err
}

// streamEvents counts the events of a log stream, following every page.
func streamEvents(ctx context.Context, logs *cloudwatchlogs.Client,
	group, stream *string) (int, error) {
	in := &cloudwatchlogs.GetLogEventsInput{LogGroupName: group,
		LogStreamName: stream, StartFromHead: aws.Bool(true)}
	n := 0
	for {
		out, err := logs.GetLogEvents(ctx, in)
		if err != nil {
			return 0, fmt.Errorf("count the events of %s: %w", aws.ToString(stream), err)
		}
		n += len(out.Events)
		if len(out.Events) == 0 || aws.ToString(out.NextForwardToken) ==
			aws.ToString(in.NextToken) {
			return n, nil
		}
		in.NextToken = out.NextForwardToken
	}
}
