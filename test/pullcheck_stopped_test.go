package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath/aws/awstest"
	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// What a stopped task's message may carry that no output may show: a
// pre-signed URL's query string, signing parameters outside a URL, an
// access key id and a secret access key (AWS's documented examples).
var stoppedSecrets = []string{"IQoJb3JpZ2luX2VjEStoppedTaskToken", "ASIAQSTOPPEDTASK0001", "b7e1c0ffee5d672d79c15b13162d9279",
	"AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "9f86d081884c7d659a2feaa0c55ad015"}

func leakyMessage() string {
	return `CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com/9a1b/58f0?X-Amz-Security-Token=` + stoppedSecrets[0] +
		`&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=` + stoppedSecrets[1] + `%2F20261201%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature=` + stoppedSecrets[2] +
		`": dial tcp 52.218.41.10:443: i/o timeout (credentials ` + stoppedSecrets[3] + ` ` + stoppedSecrets[4] + `, X-Amz-Signature=` + stoppedSecrets[5] + `)`
}

// leakyAccount is the layer-timeout fixture whose stopped tasks carry the
// secrets, unredacted, in stoppedReason and containers[].reason.
func leakyAccount(t *testing.T) *snapshot.Snapshot {
	t.Helper()
	raw, err := os.ReadFile("../constructs/pullpath/testdata/verdicts/aws-stopped-layer-timeout.snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	acct, err := snapshot.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	for i := range acct.ECS.Services[0].StoppedTasks {
		st := &acct.ECS.Services[0].StoppedTasks[i]
		st.StoppedReason = leakyMessage()
		st.Containers = []snapshot.TaskContainer{{Name: "app", Reason: "CannotPullContainerError: " + stoppedSecrets[4] + " " + leakyMessage()}}
	}
	return acct
}

func noSecret(t *testing.T, where, text string) {
	t.Helper()
	for _, s := range stoppedSecrets {
		if strings.Contains(text, s) {
			t.Errorf("%s shows %q", where, s)
		}
	}
}

// Messages with pre-signed URLs and secret-shaped strings go through every
// output, live (pullcheck aws, -save) and offline (a hand-written snapshot
// that keeps them), and no output, no saved snapshot and no error stream
// shows any of them; the stopped task is still tied to its finding.
func TestStoppedTaskMessagesAreRedactedEverywhere(t *testing.T) {
	isolate(t)
	acct := leakyAccount(t)
	srv := awstest.New(t, acct)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "eu-west-1")
	dir := t.TempDir()
	saved := filepath.Join(dir, "saved.json")
	leaky := filepath.Join(dir, "leaky.json")
	raw, err := snapshot.Encode(acct)
	if err != nil {
		t.Fatal(err)
	}
	noSecret(t, "snapshot.Encode", string(raw))
	// a hand-written snapshot that keeps them (Encode would redact them)
	text := string(raw)
	text = strings.Replace(text, `"stoppedTasks": [`, `"stoppedTasks": [{"taskArn": "arn:aws:ecs:eu-west-1:444455556666:task/app/leaky", "stoppedReason": `+jsonString(leakyMessage())+`},`, 1)
	if err := os.WriteFile(leaky, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(text, stoppedSecrets[0]) {
		t.Fatal("the hand-written snapshot lost its secrets")
	}
	runs := [][]string{
		{"aws", "-save", saved, "-stopped", "5"}, {"aws", "-format", "json"}, {"aws", "-format", "sarif"}, {"aws", "-mermaid"},
		{leaky}, {"-format", "json", leaky}, {"-format", "sarif", leaky}, {"-mermaid", leaky},
		{"explain", leakyMessage()}, {"explain", "-format", "json", leakyMessage()},
	}
	for _, args := range runs {
		code, out, errs := pullcheck(t, "", args...)
		where := "pullcheck " + strings.Join(args[:min(len(args), 3)], " ")
		if code == 2 || out == "" {
			t.Errorf("%s: exit %d, stderr %q", where, code, errs)
		}
		noSecret(t, where+" stdout", out)
		noSecret(t, where+" stderr", errs)
		if args[0] == "aws" && args[1] == "-save" || args[0] == leaky {
			if !strings.Contains(out, "stopped: the timeout to 52.218.41.10 (S3, pl-6da54004)") || !strings.Contains(out, "is what PRIVATEPULL-S3-EGRESS on app/app") {
				t.Errorf("%s: the stopped task is not tied:\n%s", where, out)
			}
		}
	}
	got, err := os.ReadFile(saved)
	if err != nil {
		t.Fatal(err)
	}
	noSecret(t, "the saved snapshot", string(got))
	if !strings.Contains(string(got), "?(redacted)") || !strings.Contains(string(got), "dial tcp 52.218.41.10:443: i/o timeout") {
		t.Errorf("the saved snapshot lost the message:\n%s", got)
	}
}

func jsonString(s string) string {
	raw, _ := json.Marshal(s)
	return string(raw)
}

// -stopped 0 reads no stopped task; a negative -stopped is a bad flag.
func TestPullcheckAWSStoppedFlag(t *testing.T) {
	isolate(t)
	srv := awstest.New(t, leakyAccount(t))
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "eu-west-1")
	code, out, errs := pullcheck(t, "", "aws", "-stopped", "0")
	if code != 1 || errs != "" || strings.Contains(out, "stopped:") || srv.Count("ecs:ListTasks") != 0 {
		t.Errorf("-stopped 0: exit %d, stderr %q, calls %v:\n%s", code, errs, srv.Calls(), out)
	}
	code, _, errs = pullcheck(t, "", "aws", "-stopped", "-1")
	if code != 2 || errs != "pullcheck aws: -stopped -1: want 0 or more\n" {
		t.Errorf("-stopped -1: exit %d, stderr %q", code, errs)
	}
	srv.Deny["ecs:ListTasks"] = true
	code, out, _ = pullcheck(t, "", "aws")
	if code != 1 || !strings.Contains(out, "stopped: not read: ecs:ListTasks denied") {
		t.Errorf("denied: exit %d:\n%s", code, out)
	}
}
