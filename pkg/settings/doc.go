// Package settings reads a relay module's configuration from the payload
// of the caller's token.
//
// SecureX stores a module instance's configuration and sends it with every
// call, as claims of the JWT it signs. FromClaims turns those claims into a
// validated Settings value and reports every missing or invalid key in one
// error, so the analyst can fix the module in one go. Secret values are held
// in the Secret type, which prints, marshals and logs as "[redacted]".
package settings
