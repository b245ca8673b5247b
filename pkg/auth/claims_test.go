package auth

import (
	"strings"
	"testing"
)

func TestClaimsSubject(t *testing.T) {
	long := "a" + strings.Repeat("é", 200) // 401 bytes

	tests := []struct {
		name   string
		claims Claims
		want   string
	}{
		{name: "sub first", want: "user-1",
			claims: Claims{"sub": "user-1", "email": "a@example.com"}},
		{name: "email when sub absent", want: "a@example.com",
			claims: Claims{"email": "a@example.com", "user": "alice"}},
		{name: "user last", want: "alice", claims: Claims{"user": "alice"}},
		{name: "blank sub skipped", want: "alice",
			claims: Claims{"sub": "  ", "user": "alice"}},
		{name: "non-string sub skipped", want: "alice",
			claims: Claims{"sub": 12, "user": "alice"}},
		{name: "none", want: "", claims: Claims{"SECRET_KEY": "s3cr3t"}},
		{name: "nil claims", want: "", claims: nil},
		{name: "long value cut on a rune boundary",
			want:   "a" + strings.Repeat("é", 127),
			claims: Claims{"sub": long}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.claims.Subject(); got != tt.want {
				t.Errorf("Subject() = %q, want %q", got, tt.want)
			}
		})
	}
}
