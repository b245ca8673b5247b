package seed

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// Defaults of Options.
const (
	DefaultRecords = 100_000
	DefaultDays    = 7
	// MaxDays is the oldest CloudWatch Logs accepts events from, in days.
	MaxDays = 14
	// MinRecords is the fewest records that leave room for every kind of
	// line.
	MinRecords = 200
)

// Options say how much to seed.
type Options struct {
	// Records is the number of lines written to the custom-format group,
	// DefaultRecords when zero. The default-format group gets a twentieth
	// of it, and at least 50.
	Records int
	// Days is the length of the seeded period, DefaultDays when zero. It
	// may not exceed MaxDays.
	Days int
	// Now ends the seeded period; zero means time.Now(). CloudWatch Logs
	// refuses events older than 14 days or more than 2 hours ahead of its
	// own clock, so Now should be close to the real time.
	Now time.Time
	// Seed seeds the random generator: the records are the same for the
	// same seed and the same account.
	Seed int64
	// Prefix starts the name of everything Run creates, so several seeds
	// can share one emulator. It may hold letters, digits, '-', '_' and
	// '.', at most 24 of them.
	Prefix string
}

// prefixPattern is what a Prefix may look like: it becomes part of IAM
// role and log group names.
var prefixPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{0,24}$`)

// withDefaults fills zero fields and checks the rest.
func (o Options) withDefaults() (Options, error) {
	if o.Records == 0 {
		o.Records = DefaultRecords
	}
	if o.Days == 0 {
		o.Days = DefaultDays
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	o.Now = o.Now.UTC().Truncate(time.Second)

	switch {
	case o.Records < MinRecords:
		return o, fmt.Errorf("records %d: want at least %d", o.Records, MinRecords)
	case o.Days < 1 || o.Days > MaxDays:
		return o, fmt.Errorf("days %d: want 1 to %d", o.Days, MaxDays)
	case !prefixPattern.MatchString(o.Prefix):
		return o, fmt.Errorf("prefix %q: want at most 24 letters, digits, "+
			"'-', '_' or '.'", o.Prefix)
	}
	return o, nil
}

// defaultGroupLines returns the number of lines of the default-format
// group for a custom-format group of records lines.
func defaultGroupLines(records int) int { return max(records/20, 50) }

// clients are the AWS clients Run uses.
type clients struct {
	ec2  *ec2.Client
	logs *cloudwatchlogs.Client
	iam  *iam.Client
	sts  *sts.Client
}

// clientsFor builds the clients from one config.
func clientsFor(cfg aws.Config) clients {
	return clients{
		ec2: ec2.NewFromConfig(cfg), logs: cloudwatchlogs.NewFromConfig(cfg),
		iam: iam.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg),
	}
}

// Run builds the account, writes the flow log records and returns the
// truth. The endpoint, credentials and region come from cfg. Resources are
// named with o.Prefix; seeding twice with one prefix fails on the names
// already taken.
func Run(ctx context.Context, cfg aws.Config, o Options) (*Truth, error) {
	o, err := o.withDefaults()
	if err != nil {
		return nil, fmt.Errorf("check options: %w", err)
	}
	if cfg.Region == "" {
		return nil, errors.New("check config: no AWS region")
	}
	c := clientsFor(cfg)
	t := &Truth{Prefix: o.Prefix, Region: cfg.Region, Now: o.Now,
		Days: o.Days, Seed: o.Seed}

	if err := buildAccount(ctx, c, t); err != nil {
		return nil, err
	}
	if err := createFlowLogs(ctx, c, t); err != nil {
		return nil, err
	}
	data, err := fillRecords(t, []int{o.Records, defaultGroupLines(o.Records)})
	if err != nil {
		return nil, err
	}
	if err := writeEvents(ctx, c.logs, data); err != nil {
		return nil, err
	}
	return t, nil
}
