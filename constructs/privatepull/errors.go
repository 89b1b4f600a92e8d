package privatepull

import (
	"fmt"
	"regexp"
)

// Error is the error privatepull panics with when a construct is given props
// it cannot build a working pull path from. It names the field, the value
// received and what is expected, so that `cdk synth` prints a message a user
// can act on.
type Error struct {
	// Field is the prop or context key at fault, e.g. "FargateServiceProps.Cpu".
	Field string
	// Got is the value received, as text; empty when the value was missing.
	Got string
	// Want says what is expected instead.
	Want string
}

// Error returns "privatepull: FIELD: got GOT, want WANT".
func (e *Error) Error() string {
	got := e.Got
	if got == "" {
		got = "nothing"
	}
	return fmt.Sprintf("privatepull: %s: got %s, want %s", e.Field, got, e.Want)
}

func errorf(field, got, want string, args ...any) *Error {
	return &Error{Field: field, Got: got, Want: fmt.Sprintf(want, args...)}
}

// unresolved reports whether s holds a token (the CDK encodes one in a
// string as "${Token[NAME.N]}"), which validation does not judge. It is
// decided in Go: validation makes no jsii call for a string, so it stays fast
// and can be fuzzed without a kernel.
func unresolved(s *string) bool {
	return tokenPattern.MatchString(*s)
}

var tokenPattern = regexp.MustCompile(`\$\{Token\[[^\]]+\]\}`)
