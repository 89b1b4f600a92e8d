package pullpath

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// StoppedTask is a task of a service that stopped, as a deployed account
// lists it, with what its message says. A reader fills it (package
// snapshot classifies the message with package explain and places its
// address against what it read); Judge ties it to the service's findings.
type StoppedTask struct {
	// Task is the task's id (the last part of its ARN); ARN is its ARN.
	Task, ARN string
	// StoppedAt is when it stopped, in RFC 3339, or "".
	StoppedAt string
	// StopCode is ECS's stop code (TaskFailedToStart, ...).
	StopCode string
	// Message is the message that says why, redacted: of stoppedReason
	// and containers[].reason, the first one a cause is known for.
	Message string
	// Cause is the id of the message's cause ("layer-download"), "" when
	// the message is not one pullcheck knows; What says it for a person.
	Cause, What string
	// Outside is true for a cause the configuration of the path cannot
	// explain (a missing tag, a rate limit).
	Outside bool
	// Rules are the rules that find the cause, narrowed to the leg the
	// address shows.
	Rules []string
	// Failure names what failed, for sentences ("the timeout to 52.218.4.10
	// (S3, pl-6da54004)").
	Failure string
	// Addr is the address of `dial tcp A:443`, or ""; Place says what it
	// lies in.
	Addr, Place string
	// Endpoint is the interface endpoint whose subnets hold Addr, or nil.
	Endpoint *Node
}

// StoppedTaskReport is one stopped task of a service in a report.
type StoppedTaskReport struct {
	// Task is the task's id.
	Task string `json:"task"`
	// StoppedAt and StopCode are as ECS gives them.
	StoppedAt string `json:"stoppedAt,omitempty"`
	StopCode  string `json:"stopCode,omitempty"`
	// Message is the message, redacted.
	Message string `json:"message"`
	// Cause is the id of its cause (`pullcheck explain` lists them), ""
	// when the message is not one pullcheck knows.
	Cause string `json:"cause,omitempty"`
	// Address and Place are the address of `dial tcp A:443` and what it
	// lies in.
	Address string `json:"address,omitempty"`
	Place   string `json:"place,omitempty"`
	// Findings are the current findings of the service that explain it.
	Findings []TiedFinding `json:"findings"`
	// Explanation says in a sentence what explains it, or that nothing
	// the configuration shows does.
	Explanation string `json:"explanation"`
}

// TiedFinding names a finding a stopped task is tied to: its rule and
// resource, as in the service's findings.
type TiedFinding struct {
	Rule     string `json:"rule"`
	Resource string `json:"resource"`
}

// tieStopped ties each stopped task of s to the findings that explain it:
// those whose rule is among the task's rules and, when the address was
// placed on an endpoint, that are about that endpoint.
func tieStopped(s *Service, findings []*Finding) []*StoppedTaskReport {
	var out []*StoppedTaskReport
	for _, t := range s.Stopped {
		r := &StoppedTaskReport{Task: t.Task, StoppedAt: t.StoppedAt, StopCode: t.StopCode, Message: t.Message, Cause: t.Cause,
			Address: t.Addr, Place: t.Place, Findings: []TiedFinding{}}
		var tied []string
		for _, f := range findings {
			if !slices.Contains(t.Rules, f.Rule) || !fitsEndpoint(f, t.Endpoint) {
				continue
			}
			tf := TiedFinding{Rule: f.Rule, Resource: f.Resource}
			if !slices.Contains(r.Findings, tf) {
				r.Findings = append(r.Findings, tf)
				on := f.Rule + " on " + f.Resource
				if f.node == &s.Node && (f.Rule == "PRIVATEPULL-S3-EGRESS" || f.Rule == "PRIVATEPULL-ENDPOINT-EGRESS") && len(s.Groups) > 0 {
					on += " (its groups " + names(s.Groups) + ")"
				}
				tied = append(tied, on)
			}
		}
		r.Explanation = explainStopped(t, tied)
		out = append(out, r)
	}
	return out
}

// fitsEndpoint says whether finding f is about endpoint e (or e is nil):
// the endpoint's own findings, the egress to it, or any that is not about
// one endpoint (an ACL, the VPC's DNS).
func fitsEndpoint(f *Finding, e *Node) bool {
	if e == nil {
		return true
	}
	switch f.Rule {
	case "PRIVATEPULL-ENDPOINT-INGRESS", "PRIVATEPULL-PRIVATE-DNS", "PRIVATEPULL-ENDPOINT-POLICY":
		return f.node == e
	case "PRIVATEPULL-ENDPOINT-EGRESS":
		return strings.Contains(f.Message, "endpoint "+e.ID+" ")
	}
	return true
}

// explainStopped words what explains task t, or that nothing does.
func explainStopped(t *StoppedTask, tied []string) string {
	failure := t.Failure
	if failure == "" {
		failure = "the stop"
	}
	of := failure + " of task " + t.Task
	if at := stoppedAtWords(t.StoppedAt); at != "" {
		of += " at " + at
	}
	switch {
	case len(tied) == 1:
		return of + " is what " + tied[0] + " explains"
	case len(tied) > 1:
		return of + " is what " + strings.Join(tied[:len(tied)-1], ", ") + " and " + tied[len(tied)-1] + " explain"
	case t.Cause == "":
		return of + ": not a message pullcheck knows (see " + HelpBase + "troubleshooting)"
	case t.Outside:
		return of + ": nothing in the configuration explains it; the cause lies outside the path (" + t.Cause + ": " + t.What + ")"
	}
	return of + ": no current finding explains it (" + t.Cause + "): it was fixed since, or the piece that broke is among the unknowns"
}

// stoppedAtWords is an RFC 3339 time as "2026-12-01 12:03 UTC".
func stoppedAtWords(s string) string {
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return s
	}
	return at.UTC().Format("2006-01-02 15:04 UTC")
}

// writeStopped writes one line per stopped task of a service, or why
// they could not be read.
func writeStopped(w io.Writer, s *ServiceReport) {
	if s.StoppedTasksWhy != "" {
		fmt.Fprintf(w, "    stopped: not read: %s\n", s.StoppedTasksWhy)
	}
	for _, t := range s.StoppedTasks {
		fmt.Fprintf(w, "    stopped: %s\n", t.Explanation)
	}
}
