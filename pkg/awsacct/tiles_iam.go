package awsacct

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"

	"github.com/aws-vpc-flow-relay/relay/pkg/failure"
	"github.com/aws-vpc-flow-relay/relay/pkg/tiles"
)

// Waiting for the credential report: the first check comes soon, later
// ones less often, and waiting stops this long before the deadline so the
// answer can still leave.
const (
	reportFirstWait = 500 * time.Millisecond
	reportMaxWait   = 3 * time.Second
	reportReserve   = 2 * time.Second
)

// ErrReportNotReady is in the chain of the error CredentialReport returns
// when IAM is still generating the report at the deadline.
var ErrReportNotReady = errors.New("credential report not ready")

// CredentialReport asks IAM for a fresh credential report, waits for it
// within ctx's deadline and parses it. IAM reuses a report younger than
// four hours. A report still being generated at the deadline is an
// upstream error saying so, wrapping ErrReportNotReady.
func (a *Account) CredentialReport(ctx context.Context) ([]tiles.Credential, error) {
	wait := reportFirstWait
	for {
		ready, err := a.reportReady(ctx)
		if err != nil {
			return nil, err
		}
		if ready {
			content, err := a.getReport(ctx)
			if err == nil {
				return parseReport(content)
			}
			if !errors.Is(err, ErrReportNotReady) {
				return nil, err
			}
		}
		if !sleepWithin(ctx, wait) {
			return nil, failure.Wrap(ErrReportNotReady, failure.Upstream,
				"IAM is still generating the credential report; "+
					"try again in a minute")
		}
		wait = min(2*wait, reportMaxWait)
	}
}

// reportReady starts a report unless a recent one exists and reports
// whether it is complete.
func (a *Account) reportReady(ctx context.Context) (bool, error) {
	out, err := a.IAM.GenerateCredentialReport(ctx, &iam.GenerateCredentialReportInput{})
	if err != nil {
		return false, classify(err, "iam:GenerateCredentialReport")
	}
	return out.State == iamtypes.ReportStateTypeComplete, nil
}

// getReport downloads the report. A report that is missing, expired or
// in progress is ErrReportNotReady, so that the caller asks for it again.
func (a *Account) getReport(ctx context.Context) ([]byte, error) {
	out, err := a.IAM.GetCredentialReport(ctx, &iam.GetCredentialReportInput{})
	switch code := errorCode(err); code {
	case "ReportInProgress", "ReportNotPresent", "ReportExpired":
		return nil, fmt.Errorf("get credential report: %s: %w", code,
			ErrReportNotReady)
	}
	if err != nil {
		return nil, classify(err, "iam:GetCredentialReport")
	}
	return out.Content, nil
}

// parseReport parses the report's CSV; a report the relay cannot read is
// an upstream fault.
func parseReport(content []byte) ([]tiles.Credential, error) {
	report, err := tiles.ParseCredentialReport(bytes.NewReader(content))
	if err != nil {
		return nil, failure.Wrap(err, failure.Upstream,
			"the IAM credential report could not be read")
	}
	return report, nil
}

// sleepWithin waits d unless that would leave less than reportReserve
// before ctx's deadline, and reports whether it waited.
func sleepWithin(ctx context.Context, d time.Duration) bool {
	if deadline, ok := ctx.Deadline(); ok && time.Until(deadline) < d+reportReserve {
		return false
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}
