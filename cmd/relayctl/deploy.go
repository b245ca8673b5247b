package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/aws-vpc-flow-relay/relay/pkg/securex"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// deployer carries out one command, printing each step to out.
type deployer struct {
	opts  options
	out   io.Writer
	steps int
	total int
}

// step prints the next numbered step.
func (d *deployer) step(format string, args ...any) {
	d.steps++
	fmt.Fprintf(d.out, "[%d/%d] %s\n", d.steps, d.total,
		fmt.Sprintf(format, args...))
}

// note prints a line that belongs to the current step.
func (d *deployer) note(format string, args ...any) {
	fmt.Fprintf(d.out, "      %s\n", fmt.Sprintf(format, args...))
}

// banner names what is about to happen and where.
func (d *deployer) banner(verb string) {
	o := d.opts
	fmt.Fprintf(d.out, "%s %s in AWS %s, stage %s\n", verb, o.project, o.region,
		o.stage())
	if o.endpoint != "" {
		fmt.Fprintf(d.out, "AWS calls go to the emulator at %s\n", o.endpoint)
	}
}

// deploy creates everything: secret, functions, module type.
func (d *deployer) deploy(ctx context.Context) error {
	o := d.opts
	d.total = 6
	d.banner("Deploying")
	if err := d.fresh(); err != nil {
		return err
	}
	module, err := securex.LoadModuleType(o.moduleType)
	if err != nil {
		return withNext(err, "fix "+o.moduleType)
	}
	d.step("Read the module type %q from %s", module.Title(), o.moduleType)
	sx, err := d.login(ctx, o.securexURL)
	if err != nil {
		return err
	}
	c, err := newCloud(ctx, o.region)
	if err != nil {
		return err
	}
	secret, err := newSecret()
	if err != nil {
		return err
	}
	if err := c.storeSecret(ctx, o.secretParameter(), secret); err != nil {
		return err
	}
	d.step("Generated the relay secret (%d characters, not shown) and "+
		"stored it in Parameter Store as %s (SecureString)", secretLength,
		o.secretParameter())
	s := d.newState()
	if err := d.serverless(ctx, "deploy", s); err != nil {
		return err
	}
	if err := d.locate(ctx, c, &s); err != nil {
		return err
	}
	return d.register(ctx, sx, module, secret, &s)
}

// fresh refuses to deploy over a recorded deploy.
func (d *deployer) fresh() error {
	o := d.opts
	s, found, err := loadState(o)
	if err != nil || !found {
		return err
	}
	return withNext(fmt.Errorf("%s is already deployed (state in %s, "+
		"module type %q)", o.project, statePath(o), s.ModuleTypeID),
		"run `go tool task update` to redeploy, or `go tool task remove` "+
			"first")
}

// newState is the state of a fresh deploy of d.opts.
func (d *deployer) newState() state {
	o := d.opts
	return state{Project: o.project, Region: o.region, Stage: o.stage(),
		SecureXURL: o.securexURL, SecretParameter: o.secretParameter(),
		Memory: o.memory, Timeout: o.timeout, RoleAccess: o.roleAccess,
		AssumeRole: o.assumeRole, LogRetention: o.logRetention}
}

// login gets a SecureX token.
func (d *deployer) login(ctx context.Context, base string) (*securex.Client, error) {
	sx := securex.New(base, nil)
	if err := sx.Login(ctx, d.opts.clientID, d.opts.clientSecret); err != nil {
		return nil, secureXError(err, "run the same command again")
	}
	d.step("Obtained a SecureX token for API client %s at %s",
		quoteIfNeeded(d.opts.clientID), base)
	return sx, nil
}

// serverless runs `serverless deploy`, saving s first so that a failed
// deploy can still be updated or removed.
func (d *deployer) serverless(ctx context.Context, action string, s state) error {
	if err := saveState(d.opts, s); err != nil {
		return err
	}
	d.step("Running serverless %s (a few minutes; its output follows)", action)
	err := runServerless(ctx, d.opts, action, d.out)
	if err != nil && !errors.As(err, new(*nextError)) {
		return withNext(err, "read the Serverless output above, fix the "+
			"cause, then run `go tool task update` (nothing is registered "+
			"in SecureX yet)")
	}
	return err
}

// locate finds the relay's URL, or takes the one given with -url.
func (d *deployer) locate(ctx context.Context, c *cloud, s *state) error {
	url := d.opts.relayURL
	if url == "" {
		var err error
		url, err = c.findURL(ctx, d.opts.stage()+"-"+d.opts.project)
		if err != nil {
			return err
		}
	}
	s.RelayURL = url
	if err := saveState(d.opts, *s); err != nil {
		return err
	}
	d.step("The relay answers at %s", url)
	return nil
}

// register creates the module type and keeps its id.
func (d *deployer) register(ctx context.Context, sx *securex.Client,
	module securex.ModuleType, secret settings.Secret, s *state) error {
	body, err := module.Bind(s.RelayURL, secret)
	if err != nil {
		return err
	}
	id, err := sx.CreateModuleType(ctx, body)
	if err != nil {
		return secureXError(err, "the functions are deployed: run `go tool "+
			"task update` to register the module type")
	}
	s.ModuleTypeID = id
	if err := saveState(d.opts, *s); err != nil {
		return withNext(err, "the module type "+id+" was created but its id "+
			"was not saved: note it, and delete it in SecureX before deploying "+
			"again")
	}
	d.step("Created the SecureX module type %q (id %s); state kept in %s",
		module.Title(), id, statePath(d.opts))
	d.nextSteps(module.Title())
	return nil
}

// secureXError attaches what to do to a SecureX failure: SecureX's own
// hint, shown on the next: line rather than in the message, then after.
func secureXError(err error, after string) error {
	var sx *securex.Error
	if !errors.As(err, &sx) || sx.Hint == "" {
		return withNext(err, after)
	}
	return &nextError{err: err, msg: sx.Summary(), next: sx.Hint + "; then " +
		after}
}

// nextSteps tells the operator how to add the module.
func (d *deployer) nextSteps(title string) {
	fmt.Fprintf(d.out, "\nDone. In SecureX or XDR, open Integration Modules, "+
		"find %q among the available modules, click Add, and fill in the "+
		"region, log group and credentials (see README.md, Deploying).\n", title)
}
