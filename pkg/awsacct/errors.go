package awsacct

import (
	"context"
	"errors"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
)

// maxMessage bounds the part of an AWS error message shown to a caller.
const maxMessage = 300

// classify turns an error from an AWS call into the relay's vocabulary.
// op names the call, e.g. "ec2:DescribeInstances". Running out of time
// keeps context.DeadlineExceeded in the chain, so that callers can tell it
// from a refusal.
func classify(err error, op string) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return failure.Wrap(err, failure.Upstream,
			"AWS did not answer %s within the time limit", op)
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	var api smithy.APIError
	if !errors.As(err, &api) {
		return failure.Wrap(err, failure.Upstream, "AWS call %s failed", op)
	}
	if _, throttled := retry.DefaultThrottleErrorCodes[api.ErrorCode()]; throttled {
		return failure.Wrap(err, failure.Upstream,
			"AWS kept throttling %s after %d attempts; try again in a minute",
			op, maxAttempts)
	}
	return failure.Wrap(err, kindOf(api.ErrorCode()), "AWS refused %s: %s: %s",
		op, api.ErrorCode(), shorten(api.ErrorMessage()))
}

// kindOf maps AWS error codes to kinds: a missing resource is something
// the caller named, everything else is an upstream failure.
func kindOf(code string) failure.Kind {
	switch code {
	case "ResourceNotFoundException":
		return failure.NotFound
	default:
		return failure.Upstream
	}
}

// shorten cuts an AWS message to a length fit for an answer.
func shorten(s string) string {
	s = strings.TrimSpace(s)
	if len(s) > maxMessage {
		return s[:maxMessage] + "..."
	}
	return s
}

// errorCode returns the AWS error code in err's chain, or "".
func errorCode(err error) string {
	var api smithy.APIError
	if errors.As(err, &api) {
		return api.ErrorCode()
	}
	return ""
}
