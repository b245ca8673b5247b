package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/aws-vpc-flow-relay/relay/pkg/securex"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// Limits of the function settings: Lambda's memory range, and the 30 s an
// HTTP API waits for an integration.
const (
	minMemory, maxMemory   = 128, 10240
	minTimeout, maxTimeout = 3, 30
	defaultMemory          = 256
	defaultTimeout         = 29
	defaultLogRetention    = 30
)

// logRetentions are the days CloudWatch Logs can keep a log group's
// events.
var logRetentions = []int{1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365,
	400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653}

// regionName is the shape of an AWS region name, such as us-east-1 or
// us-gov-west-1; it names the state file, so nothing else may pass.
var regionName = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-\d+$`)

// projectName is what a project name may hold: it names the stack, the
// functions and the role, and the role's name must stay within 64
// characters.
var projectName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9-]{1,31}$`)

// roleARN is what -assume-role may be: an IAM role ARN of any partition,
// with a 12-digit account or *, and a role name or path pattern. It lands
// in the IAM policy, so nothing else, such as a Serverless variable, may
// pass.
var roleARN = regexp.MustCompile(
	`^arn:aws(-[a-z]+)*:iam::(\d{12}|\*):role/[A-Za-z0-9+=,.@_/*-]{1,512}$`)

// errHelp reports that the flags were listed on request.
var errHelp = errors.New("help requested")

// options are a command's inputs.
type options struct {
	command       string
	region        string
	project       string
	securexRegion string
	securexURL    string
	clientID      string
	clientSecret  settings.Secret
	memory        int
	timeout       int
	roleAccess    string
	assumeRole    string
	logRetention  int
	relayURL      string
	moduleType    string
	stateDir      string
	serverless    string
	dist          string
	// endpoint is AWS_ENDPOINT_URL; set, everything goes to an emulator.
	endpoint string
	// given holds the names of the flags set on the command line.
	given map[string]bool
}

// stage is the Serverless stage: "local" for an emulator, else "prod".
func (o options) stage() string {
	if o.endpoint != "" {
		return "local"
	}
	return "prod"
}

// secretParameter names the SSM parameter holding the relay secret.
func (o options) secretParameter() string {
	return "/" + o.project + "/relay-secret"
}

// parseOptions reads a command's flags; getenv supplies the variables
// that may stand for flags.
// With -h it writes the flags to usage and returns errHelp.
func parseOptions(command string, args []string, getenv func(string) string,
	usage io.Writer) (options, error) {
	switch command {
	case "deploy", "update", "remove":
	default:
		return options{}, usageError()
	}
	o := options{command: command, endpoint: getenv("AWS_ENDPOINT_URL")}
	fs := flagSet(&o, getenv)
	err := fs.Parse(args)
	if errors.Is(err, flag.ErrHelp) {
		fmt.Fprintf(usage, "Usage: relayctl %s [flags]\n", command)
		fs.SetOutput(usage)
		fs.PrintDefaults()
		return options{}, errHelp
	}
	if err != nil {
		return options{}, withNext(fmt.Errorf("%s: %w", command, err),
			"relayctl "+command+" -h lists every option")
	}
	if fs.NArg() > 0 {
		return options{}, withNext(fmt.Errorf("%s: unexpected argument %q",
			command, fs.Arg(0)), "give every option as -name value, before "+
			"nothing else; `relayctl "+command+" -h` lists them")
	}
	o.given = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { o.given[f.Name] = true })
	if s := getenv("SECUREX_CLIENT_SECRET"); s != "" && o.clientSecret == "" {
		o.clientSecret = settings.Secret(s)
	}
	if err := o.check(); err != nil {
		return options{}, withNext(fmt.Errorf("%s: %w", command, err),
			"relayctl "+command+" -h lists every option")
	}
	return o, nil
}

// flagSet declares the flags, the old deploy tool's short names first.
func flagSet(o *options, getenv func(string) string) *flag.FlagSet {
	fs := flag.NewFlagSet(o.command, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.StringVar(&o.region, "r", "", "AWS region to deploy to, e.g. us-east-1")
	fs.StringVar(&o.project, "p", "", "project name: letters, digits, hyphens")
	fs.StringVar(&o.securexRegion, "x", "", "SecureX region: US, EU or APJC")
	fs.StringVar(&o.clientID, "i", getenv("SECUREX_CLIENT_ID"),
		"SecureX API client id (default $SECUREX_CLIENT_ID)")
	fs.Func("s", "SecureX API client secret; prefer $SECUREX_CLIENT_SECRET",
		func(v string) error { o.clientSecret = settings.Secret(v); return nil })
	fs.IntVar(&o.memory, "m", defaultMemory, "function memory in MB")
	fs.IntVar(&o.timeout, "t", defaultTimeout, "function timeout in seconds")
	fs.StringVar(&o.roleAccess, "role-access", "none",
		"what the function role may do: none, read or respond")
	fs.StringVar(&o.assumeRole, "assume-role", "",
		"role ARN (or pattern) modules may name in ROLE_ARN")
	fs.IntVar(&o.logRetention, "log-retention", defaultLogRetention,
		"days of function logs kept: 1, 3, 5, 7, 14, 30, 60, 90 ... 3653")
	fs.StringVar(&o.relayURL, "url", "",
		"the relay's URL, when it cannot be found (an emulator)")
	fs.StringVar(&o.securexURL, "securex-url", "",
		"SecureX API base URL, overriding -x (a test server)")
	fs.StringVar(&o.moduleType, "module-type", "module_type.json",
		"module type definition")
	fs.StringVar(&o.stateDir, "state", ".cache/deploy",
		"folder of the local state files")
	fs.StringVar(&o.serverless, "serverless", "node_modules/.bin/serverless",
		"Serverless Framework command")
	fs.StringVar(&o.dist, "dist", ".cache/dist", "folder of the function zips")
	return fs
}

// check validates the options and fills the SecureX base URL.
func (o *options) check() error {
	var errs []error
	switch {
	case o.region == "":
		errs = append(errs, errors.New("-r (AWS region) is required"))
	case !regionName.MatchString(o.region):
		errs = append(errs, fmt.Errorf("-r (AWS region) %q is not a region "+
			"name such as us-east-1", o.region))
	}
	if !projectName.MatchString(o.project) {
		errs = append(errs, fmt.Errorf("-p (project) %q must be a letter and then 1 to 31 "+
			"letters, digits and hyphens", o.project))
	}
	if o.command != "remove" {
		errs = append(errs, o.checkFunctions()...)
	}
	if o.relayURL != "" {
		if err := checkRelayURL(o.relayURL); err != nil {
			errs = append(errs, err)
		}
	}
	if o.command == "deploy" || o.given["x"] || o.given["securex-url"] {
		if err := o.checkSecureX(); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// checkFunctions validates the function settings.
func (o *options) checkFunctions() []error {
	var errs []error
	if o.memory < minMemory || o.memory > maxMemory {
		errs = append(errs, fmt.Errorf("-m (memory) %d must be %d to %d MB",
			o.memory, minMemory, maxMemory))
	}
	if o.timeout < minTimeout || o.timeout > maxTimeout {
		errs = append(errs, fmt.Errorf("-t (timeout) %d must be %d to %d s: "+
			"an HTTP API waits at most 30 s", o.timeout, minTimeout, maxTimeout))
	}
	switch o.roleAccess {
	case "none", "read", "respond":
	default:
		errs = append(errs, fmt.Errorf("-role-access %q must be none, read "+
			"or respond", o.roleAccess))
	}
	if !slices.Contains(logRetentions, o.logRetention) {
		errs = append(errs, fmt.Errorf("-log-retention %d must be one of "+
			"CloudWatch's periods: %s days", o.logRetention,
			strings.Trim(fmt.Sprint(logRetentions), "[]")))
	}
	if o.assumeRole != "" && !roleARN.MatchString(o.assumeRole) {
		errs = append(errs, fmt.Errorf("-assume-role %s is not an IAM role "+
			"ARN such as arn:aws:iam::123456789012:role/name (a 12-digit "+
			"account or *, a name of letters, digits and +=,.@_/*-)",
			quoteIfNeeded(o.assumeRole)))
	}
	return errs
}

// checkRelayURL accepts the relay URL given with -url: https, or http
// for a loopback or .invalid test host, with a host, without user
// information, query or fragment, in printable ASCII.
func checkRelayURL(raw string) error {
	for _, r := range raw {
		if r <= ' ' || r > '~' {
			return fmt.Errorf("-url %s must hold printable ASCII only",
				quoteIfNeeded(raw))
		}
	}
	u, err := url.Parse(raw)
	switch {
	case err != nil:
		return fmt.Errorf("-url %q is not a URL", raw)
	case u.Scheme != "https" && !(u.Scheme == "http" && testHost(u.Hostname())):
		return fmt.Errorf("-url %q must be an https URL (http only for "+
			"localhost, 127.0.0.1 or an .invalid host)", raw)
	case u.Host == "" || u.Hostname() == "":
		return fmt.Errorf("-url %q has no host", raw)
	case u.User != nil:
		return fmt.Errorf("-url %q must not hold a user name or password", raw)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" ||
		strings.ContainsAny(raw, "?#"):
		return fmt.Errorf("-url %q must have no query or fragment", raw)
	}
	return nil
}

// testHost reports whether host is one a test serves over plain http.
func testHost(host string) bool {
	return host == "localhost" || host == "127.0.0.1" ||
		strings.HasSuffix(host, ".invalid")
}

// quoteIfNeeded returns s as it is when it is printable ASCII without
// spaces, and as a quoted Go string with escapes otherwise, so that no
// control character reaches the terminal.
func quoteIfNeeded(s string) string {
	for _, r := range s {
		if r <= ' ' || r > '~' || r == '"' {
			return strconv.QuoteToASCII(s)
		}
	}
	return s
}

// checkSecureX resolves the SecureX base URL and checks the client.
func (o *options) checkSecureX() error {
	if o.securexURL == "" {
		base, err := securex.BaseURL(o.securexRegion)
		if err != nil {
			return fmt.Errorf("-x: %w", err)
		}
		o.securexURL = base
	}
	if o.clientID == "" || o.clientSecret == "" {
		return errors.New("the SecureX API client is required: -i <client id> " +
			"and SECUREX_CLIENT_SECRET")
	}
	return nil
}
