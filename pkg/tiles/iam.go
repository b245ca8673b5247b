package tiles

import (
	"fmt"
	"time"
)

// LoginStats counts the IAM users who can sign in to the console.
type LoginStats struct {
	// Users have a console password; the root account is not counted.
	Users int
	// OldPassword counts users whose password was last changed more than
	// StaleAfter ago.
	OldPassword int
	// NoLogin counts users who have not signed in for StaleAfter: their
	// last sign-in is older, or they never signed in and their password
	// is older.
	NoLogin int
	// NoMFA counts users without an active MFA device.
	NoMFA int
}

// APIStats counts the IAM users who use only access keys.
type APIStats struct {
	// Users have an active access key and no console password; the root
	// account is not counted.
	Users int
	// OldKey counts users with an active key created or rotated more than
	// StaleAfter ago.
	OldKey int
	// UnusedKey counts users with an active key not used for StaleAfter:
	// its last use is older, or it was never used and is older.
	UnusedKey int
}

// Login counts the console users of a credential report as of now.
func Login(report []Credential, now time.Time) LoginStats {
	cutoff := now.Add(-StaleAfter)
	var s LoginStats
	for _, c := range report {
		if c.Root || !c.PasswordEnabled {
			continue
		}
		s.Users++
		changed := c.PasswordLastChanged
		if !changed.Known() {
			changed = c.Created
		}
		if changed.Before(cutoff) {
			s.OldPassword++
		}
		if unused(c.PasswordLastUsed, changed, cutoff) {
			s.NoLogin++
		}
		if !c.MFAActive {
			s.NoMFA++
		}
	}
	return s
}

// API counts the API-only users of a credential report as of now.
func API(report []Credential, now time.Time) APIStats {
	cutoff := now.Add(-StaleAfter)
	var s APIStats
	for _, c := range report {
		if c.Root || c.PasswordEnabled || !c.Keys[0].Active && !c.Keys[1].Active {
			continue
		}
		s.Users++
		old, idle := false, false
		for _, k := range c.Keys {
			if !k.Active {
				continue
			}
			old = old || k.LastRotated.Before(cutoff)
			idle = idle || unused(k.LastUsed, k.LastRotated, cutoff)
		}
		if old {
			s.OldKey++
		}
		if idle {
			s.UnusedKey++
		}
	}
	return s
}

// unused reports whether a credential was not used since cutoff: its last
// use is before it, or it was never used and exists since before it.
func unused(lastUsed, since Stamp, cutoff time.Time) bool {
	if lastUsed.Known() {
		return lastUsed.Time.Before(cutoff)
	}
	return since.Before(cutoff)
}

// usersKey is the one series of the IAM bar charts.
var usersKey = []Key{{Key: "users", Label: "Users"}}

// Chart returns the login tile's data over w.
func (s LoginStats) Chart(w Window) Data {
	return barChart(w, s.Users, "console users", []Bar{
		bar("console_users", "Console users", s.Users),
		bar("password_over_180_days", "Password older than 180 days", s.OldPassword),
		bar("no_login_180_days", "No sign-in for 180 days", s.NoLogin),
		bar("no_mfa", "No MFA", s.NoMFA),
	})
}

// Chart returns the API tile's data over w.
func (s APIStats) Chart(w Window) Data {
	return barChart(w, s.Users, "API-only users", []Bar{
		bar("api_users", "API-only users", s.Users),
		bar("key_over_180_days", "Access key older than 180 days", s.OldKey),
		bar("key_unused_180_days", "Access key unused for 180 days", s.UnusedKey),
	})
}

// bar returns one bar of an IAM chart.
func bar(key, label string, n int) Bar {
	return Bar{Key: key, Label: label, Value: n,
		Values: []BarValue{{Key: "users", Value: n}}}
}

// barChart wraps bars in tile data, with tooltips relating each bar to
// the total.
func barChart(w Window, total int, noun string, bars []Bar) Data {
	for i := range bars {
		v := &bars[i].Values[0]
		v.Tooltip = fmt.Sprintf("%s: %d of %d %s", bars[i].Label, v.Value,
			total, noun)
	}
	bars[0].Values[0].Tooltip = fmt.Sprintf("%d %s", total, noun)
	d := NewData(w, bars)
	d.Keys = usersKey
	d.KeyType = "string"
	return d
}
