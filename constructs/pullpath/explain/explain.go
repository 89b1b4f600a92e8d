// Package explain classifies the messages of stopped ECS tasks
// (stoppedReason, containers[].reason): which leg of the pull path failed,
// why, the pull-path rules that find the cause in a configuration, and the
// fix in words. It is the README's troubleshooting table as code, for
// `pullcheck explain` and the live reader's stopped tasks.
//
// Messages are redacted before anything else sees them: the query string of
// a pre-signed URL (X-Amz-Credential, X-Amz-Security-Token, X-Amz-Signature)
// carries credentials, and so do strings shaped like AWS secret access keys.
package explain

import (
	"net/netip"
	"regexp"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// Explanation is what a message says.
type Explanation struct {
	// Message is the message, redacted.
	Message string `json:"message"`
	// Cause is nil when the message is not recognised.
	Cause *Cause `json:"cause,omitempty"`
	// Host is the host the failed request went to, when the message names
	// one (the layer bucket, the registry).
	Host string `json:"host,omitempty"`
	// Addr is the address of `dial tcp A:443`, when the message has one.
	Addr netip.Addr `json:"addr,omitzero"`
	// Place says where Addr lies and what that means, for a person.
	Place string `json:"place,omitempty"`
}

var (
	dialAddr = regexp.MustCompile(`dial tcp \[?([0-9a-fA-F.:]+?)\]?:([0-9]+)`)
	urlHost  = regexp.MustCompile(`https?://([A-Za-z0-9.-]+)`)
)

// Message explains one stopped-task message.
func Message(msg string) Explanation {
	msg = Redact(strings.TrimSpace(msg))
	e := Explanation{Message: msg}
	for _, p := range patterns {
		if matches(p, msg) {
			e.Cause = p.cause
			break
		}
	}
	if m := urlHost.FindStringSubmatch(msg); m != nil {
		e.Host = m[1]
	}
	if m := dialAddr.FindStringSubmatch(msg); m != nil {
		if a, err := netip.ParseAddr(m[1]); err == nil {
			e.Addr = a
			e.Place = place(a, e.Cause)
		}
	}
	return e
}

func matches(p pattern, msg string) bool {
	for _, r := range p.all {
		if !r.MatchString(msg) {
			return false
		}
	}
	for _, r := range p.none {
		if r.MatchString(msg) {
			return false
		}
	}
	return true
}

// place says what the address of a failed connection means, without the
// account: a private address is an endpoint (or the task's own VPC) that was
// reached but dropped the connection; a public one is a name that did not
// resolve to an endpoint.
func place(a netip.Addr, c *Cause) string {
	switch {
	case c == LayerDownload || c == LayerDenied:
		return "the layer download to S3; S3's addresses are those of the prefix list com.amazonaws.REGION.s3"
	case pullpath.PrivateAddr(a):
		return "a private address: an interface endpoint (or something else in the VPC) answers the name, but a security group or network ACL drops the connection"
	}
	return "a public address: the name did not resolve to an interface endpoint (none, private DNS off, or the VPC's DNS attributes off), and the tasks have no way out to it"
}

var (
	// the query string of a URL, up to a quote, a space or the end
	query = regexp.MustCompile(`(https?://[^\s"'?]+)\?[^\s"']*`)
	// signing parameters outside a URL
	signing = regexp.MustCompile(`(?i)(X-Amz-(?:Credential|Security-Token|Signature|SignedHeaders|Date|Algorithm|Expires))=[^\s&"']*`)
	// an access key id
	keyID = regexp.MustCompile(`\b(?:AKIA|ASIA)[A-Z0-9]{16}\b`)
	// forty characters of a secret access key's alphabet
	secretKey = regexp.MustCompile(`(^|[^A-Za-z0-9/+=])([A-Za-z0-9/+=]{40})($|[^A-Za-z0-9/+=])`)
)

// Redact removes what a message may carry of credentials: the query string
// of URLs (a pre-signed URL's X-Amz-* parameters), X-Amz-* signing
// parameters anywhere, access key ids, and 40-character strings shaped like
// secret access keys (mixed case, or with / or +; a hex digest is kept).
func Redact(msg string) string {
	msg = query.ReplaceAllString(msg, "$1?(redacted)")
	msg = signing.ReplaceAllString(msg, "$1=(redacted)")
	msg = keyID.ReplaceAllString(msg, "(redacted)")
	return secretKey.ReplaceAllStringFunc(msg, func(m string) string {
		sub := secretKey.FindStringSubmatch(m)
		if !secretShaped(sub[2]) {
			return m
		}
		return sub[1] + "(redacted)" + sub[3]
	})
}

// secretShaped is true for a string that mixes cases or holds / or +, as
// secret access keys do and hex digests do not.
func secretShaped(s string) bool {
	lower, upper := strings.ToLower(s) == s, strings.ToUpper(s) == s
	return strings.ContainsAny(s, "/+") || (!lower && !upper)
}
