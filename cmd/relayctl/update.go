package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws-vpc-flow-relay/relay/pkg/securex"
	"github.com/aws-vpc-flow-relay/relay/pkg/settings"
)

// update redeploys the functions and registers the module type only when
// SecureX no longer has it, so no duplicate appears.
func (d *deployer) update(ctx context.Context) error {
	d.total = 5
	d.banner("Updating")
	s, err := d.existing()
	if err != nil {
		return err
	}
	d.merge(&s)
	module, err := securex.LoadModuleType(d.opts.moduleType)
	if err != nil {
		return withNext(err, "fix "+d.opts.moduleType)
	}
	sx, err := d.login(ctx, s.SecureXURL)
	if err != nil {
		return err
	}
	c, err := newCloud(ctx, d.opts.region)
	if err != nil {
		return err
	}
	secret, err := c.readSecret(ctx, s.SecretParameter)
	if err != nil {
		return err
	}
	d.step("The relay secret is in Parameter Store as %s (not shown)",
		s.SecretParameter)
	if err := d.serverless(ctx, "deploy", s); err != nil {
		return err
	}
	if err := d.locate(ctx, c, &s); err != nil {
		return err
	}
	return d.keepOrRegister(ctx, sx, module, secret, &s)
}

// keepOrRegister keeps the recorded module type when SecureX still has
// it, and registers one otherwise.
func (d *deployer) keepOrRegister(ctx context.Context, sx *securex.Client,
	module securex.ModuleType, secret settings.Secret, s *state) error {
	if s.ModuleTypeID != "" {
		found, err := sx.ModuleTypeExists(ctx, s.ModuleTypeID)
		if err != nil {
			return secureXError(err, "the functions are deployed: run `go "+
				"tool task update` again")
		}
		if found {
			d.step("Kept the SecureX module type %s", s.ModuleTypeID)
			return nil
		}
		d.note("SecureX no longer has the module type %s; creating it again",
			s.ModuleTypeID)
	}
	return d.register(ctx, sx, module, secret, s)
}

// existing loads the state of a deploy that update or remove acts on.
func (d *deployer) existing() (state, error) {
	s, found, err := loadState(d.opts)
	if err != nil {
		return state{}, err
	}
	if !found {
		return state{}, withNext(fmt.Errorf("no deploy of %s in %s is recorded "+
			"in %s", d.opts.project, d.opts.region, d.opts.stateDir),
			"run `go tool task deploy` first, or copy the state file from the "+
				"machine that deployed it")
	}
	return s, nil
}

// merge lets the flags given on the command line replace the settings of
// the recorded deploy, and the recorded ones fill the rest.
func (d *deployer) merge(s *state) {
	o := &d.opts
	if o.given["m"] {
		s.Memory = o.memory
	}
	if o.given["t"] {
		s.Timeout = o.timeout
	}
	if o.given["role-access"] {
		s.RoleAccess = o.roleAccess
	}
	if o.given["assume-role"] {
		s.AssumeRole = o.assumeRole
	}
	if o.given["log-retention"] || s.LogRetention == 0 {
		s.LogRetention = o.logRetention
	}
	if o.given["x"] || o.given["securex-url"] {
		s.SecureXURL = o.securexURL
	}
	o.memory, o.timeout = s.Memory, s.Timeout
	o.roleAccess, o.assumeRole = s.RoleAccess, s.AssumeRole
	o.logRetention, o.securexURL = s.LogRetention, s.SecureXURL
}

// remove deletes the functions, the module type, the secret and the
// state. Each part already gone counts as removed, so that a remove can
// be run again until it succeeds.
func (d *deployer) remove(ctx context.Context) error {
	d.total = 4 // 3 when there is no module type to delete
	d.banner("Removing")
	s, found, err := loadState(d.opts)
	if err != nil {
		return err
	}
	if !found {
		s = d.newState()
		d.note("No state in %s: the module type, if any, must be deleted in "+
			"SecureX by hand", d.opts.stateDir)
	}
	d.merge(&s)
	var sx *securex.Client
	if s.ModuleTypeID != "" {
		if sx, err = d.loginForRemove(ctx, s); err != nil {
			return err
		}
	} else {
		d.total = 3
		d.step("No SecureX module type to delete")
	}
	if err := d.removeStack(ctx); err != nil {
		return err
	}
	if sx != nil {
		if err := d.deleteModuleType(ctx, sx, &s); err != nil {
			return err
		}
	}
	return d.forget(ctx, s)
}

// removeStack runs `serverless remove`; a stack that is already gone
// counts as removed. The state is left as it is until the stack is gone.
func (d *deployer) removeStack(ctx context.Context) error {
	d.step("Running serverless remove (a few minutes; its output follows)")
	err := runServerless(ctx, d.opts, "remove", d.out)
	switch {
	case errors.Is(err, errNoStack):
		d.note("There is no stack %s: the functions are already removed",
			stackName(d.opts))
		return nil
	case err != nil && !errors.As(err, new(*nextError)):
		return withNext(err, "read the Serverless output above, fix the "+
			"cause, then run `go tool task remove` again (the module type, "+
			"the secret and the state are kept until the stack is gone)")
	}
	return err
}

// loginForRemove logs in with the client given on the command line.
func (d *deployer) loginForRemove(ctx context.Context, s state) (*securex.Client, error) {
	if d.opts.clientID == "" || d.opts.clientSecret == "" {
		return nil, withNext(fmt.Errorf("the SecureX module type %s must be "+
			"deleted, and no SecureX API client was given", s.ModuleTypeID),
			"pass -i <client id> with SECUREX_CLIENT_SECRET set")
	}
	return d.login(ctx, s.SecureXURL)
}

// deleteModuleType deletes the recorded module type; one SecureX no
// longer has counts as deleted.
func (d *deployer) deleteModuleType(ctx context.Context, sx *securex.Client,
	s *state) error {
	err := sx.DeleteModuleType(ctx, s.ModuleTypeID)
	if err != nil && !errors.Is(err, securex.ErrNotFound) {
		return secureXError(err, "the functions are removed: run `go tool "+
			"task remove` again, or delete the module type in SecureX")
	}
	d.step("Deleted the SecureX module type %s", s.ModuleTypeID)
	s.ModuleTypeID = ""
	return saveState(d.opts, *s)
}

// forget deletes the relay secret and the state file.
func (d *deployer) forget(ctx context.Context, s state) error {
	c, err := newCloud(ctx, d.opts.region)
	if err != nil {
		return err
	}
	if err := c.deleteSecret(ctx, s.SecretParameter); err != nil {
		return err
	}
	if err := deleteState(d.opts); err != nil {
		return err
	}
	d.step("Deleted the parameter %s and the local state", s.SecretParameter)
	return nil
}
