package snapshot

import (
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

func fixture(t *testing.T, name string) *Snapshot {
	t.Helper()
	raw, err := os.ReadFile("../../testdata/verdicts/" + name + ".snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// Each stopped task of the fixtures: its cause, the findings it is tied
// to, and the words that say so.
func TestStoppedTasksAreTiedToTheFindings(t *testing.T) {
	type want struct{ cause, findings, explanation string }
	for name, tasks := range map[string][]want{
		"aws-stopped-layer-timeout": {
			{"layer-download", "PRIVATEPULL-S3-EGRESS app/app", "the timeout to 52.218.41.10 (S3, pl-6da54004) of task 4f1c2b7e9d8a4b3c8e1f0a2b3c4d5e6f at 2026-12-01 12:03 UTC is what PRIVATEPULL-S3-EGRESS on app/app (its groups sg-0aa000000000w0t01) explains"},
			{"", "", "not a message pullcheck knows"},
		},
		"aws-stopped-not-found": {
			{"image-missing", "", "the missing image of task 9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a49 at 2026-12-01 12:10 UTC: nothing in the configuration explains it; the cause lies outside the path (image-missing"},
			{"rate-limit", "", "the cause lies outside the path (rate-limit"},
			{"layer-download", "", "the timeout to 3.5.66.7 (S3, pl-6da54004) of task 1e2d3c4b5a6f7e8d9c0b1a2f3e4d5c6b at 2026-12-01 09:15 UTC: no current finding explains it (layer-download): it was fixed since"},
		},
		"aws-stopped-private-dns-off": {
			{"registry-unreachable", "PRIVATEPULL-PRIVATE-DNS vpce-0aa0000000w0dkr", "the timeout to 3.248.0.15 (public, 444455556666.dkr.ecr.eu-west-1.amazonaws.com) of task 6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a at 2026-12-01 12:31 UTC is what PRIVATEPULL-PRIVATE-DNS on vpce-0aa0000000w0dkr explains"},
		},
		"aws-stopped-endpoint-ingress": {
			{"registry-unreachable", "PRIVATEPULL-ENDPOINT-INGRESS vpce-0aa0000000w0dkr", "the timeout to 10.0.1.87 (vpce-0aa0000000w0dkr, ecr.dkr) of task 5b4a3c2d1e0f9a8b7c6d5e4f3a2b1c0d at 2026-12-01 12:20 UTC is what PRIVATEPULL-ENDPOINT-INGRESS on vpce-0aa0000000w0dkr explains"},
			{"registry-unreachable", "", "the timeout to 3.248.0.15 (public, 444455556666.dkr.ecr.eu-west-1.amazonaws.com)"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			r := pullpath.Judge(Model(fixture(t, name)))
			got := r.Templates[0].Services[0].StoppedTasks
			if len(got) != len(tasks) {
				t.Fatalf("%d stopped tasks, want %d", len(got), len(tasks))
			}
			for i, w := range tasks {
				g := got[i]
				var fs []string
				for _, f := range g.Findings {
					fs = append(fs, f.Rule+" "+f.Resource)
				}
				if g.Cause != w.cause || strings.Join(fs, ", ") != w.findings || !strings.Contains(g.Explanation, w.explanation) {
					t.Errorf("task %s: cause %q, findings %q, %q\nwant %q, %q, %q", g.Task, g.Cause, fs, g.Explanation, w.cause, w.findings, w.explanation)
				}
				if strings.Contains(g.Message, "X-Amz-Security-Token=") || strings.Contains(g.Message, "IQoJb3JpZ2lu") {
					t.Errorf("task %s: message not redacted: %s", g.Task, g.Message)
				}
			}
		})
	}
}

// A template's report has no stoppedTasks field.
func TestNoStoppedTasksNoField(t *testing.T) {
	r := pullpath.Judge(Model(fixture(t, "aws-writeup-broken")))
	var b strings.Builder
	if err := r.WriteJSON(&b); err != nil || strings.Contains(b.String(), "stoppedTasks") {
		t.Errorf("%v:\n%s", err, b.String())
	}
}

// Two findings on the layer leg explain one timeout together; a finding
// on another leg does not.
func TestStoppedTaskTiedToTwoFindings(t *testing.T) {
	s := fixture(t, "aws-stopped-layer-timeout")
	s.EC2.NetworkAcls[0].Entries[0].CidrBlock = "10.0.0.0/16" // no tcp/443 out to S3's ranges
	s.EC2.VpcEndpoints = slices.DeleteFunc(s.EC2.VpcEndpoints, func(e VpcEndpoint) bool { return strings.HasSuffix(e.ServiceName, ".logs") })
	sr := pullpath.Judge(Model(s)).Templates[0].Services[0]
	got := sr.StoppedTasks[0]
	var fs []string
	for _, f := range got.Findings {
		fs = append(fs, f.Rule)
	}
	if strings.Join(fs, " ") != "PRIVATEPULL-S3-EGRESS PRIVATEPULL-NETWORK-ACL" ||
		!strings.HasSuffix(got.Explanation, "is what PRIVATEPULL-S3-EGRESS on app/app (its groups sg-0aa000000000w0t01) and PRIVATEPULL-NETWORK-ACL on acl-0aa000000000w0001 explain") {
		t.Errorf("findings %v: %s", fs, got.Explanation)
	}
	has := false
	for _, f := range sr.Findings {
		has = has || f.Rule == "PRIVATEPULL-LOGS-ENDPOINT"
	}
	if !has {
		t.Errorf("no PRIVATEPULL-LOGS-ENDPOINT finding to leave out: %v", sr.Findings)
	}
}
