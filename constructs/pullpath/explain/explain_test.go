package explain

import (
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// One real-shaped message per cause, after AWS's stopped-task error pages,
// re:Post articles and public reports; ids and addresses are made up.
var messages = []struct{ msg, cause, place string }{
	{`CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com/9a1b-1234/5678?X-Amz-Security-Token=IQoJb3JpZ2luX2VjE&X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=ASIAEXAMPLEEXAMPLE12%2F20261201%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Signature=abcdef0123": dial tcp 52.218.41.10:443: i/o timeout`, "layer-download", "the layer download"},
	{`CannotPullContainerError: failed to copy: httpReadSeeker: failed open: unexpected status code https://prod-us-east-1-starport-layer-bucket.s3.us-east-1.amazonaws.com/layers/sha256: 403 Forbidden`, "layer-denied", ""},
	{`CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref "123456789012.dkr.ecr.us-east-1.amazonaws.com/api:v42": failed to do request: Head "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/api/manifests/v42": dial tcp 10.0.3.17:443: i/o timeout`, "registry-unreachable", "a private address"},
	{`CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest: failed to do request: Head "https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/app/manifests/latest": dial tcp 3.248.0.15:443: i/o timeout`, "registry-unreachable", "a public address"},
	{`CannotPullContainerError: Error response from daemon: Get https://123456789012.dkr.ecr.eu-west-1.amazonaws.com/v2/: net/http: request canceled while waiting for connection (Client.Timeout exceeded while awaiting headers)`, "registry-unreachable", ""},
	{`ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): RequestError: send request failed caused by: Post "https://api.ecr.eu-west-1.amazonaws.com/": dial tcp 10.0.1.9:443: i/o timeout. Please check your task network configuration.`, "registry-auth", "a private address"},
	{`ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve ecr registry auth: service call has been retried 3 time(s): AccessDeniedException: User: arn:aws:sts::123456789012:assumed-role/exec/abc is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action`, "pull-denied", ""},
	{`ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secret from asm: service call has been retried 5 time(s): failed to fetch secret arn:aws:secretsmanager:eu-west-1:123456789012:secret:db-AbCdEf from secrets manager: RequestCanceled: request context canceled caused by: context deadline exceeded.`, "secrets-secretsmanager", ""},
	{`ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: service call has been retried 5 time(s): RequestCanceled: request context canceled caused by: context deadline exceeded`, "secrets-ssm", ""},
	{`ResourceInitializationError: failed to validate logger args: create stream has been retried 1 times: failed to create Cloudwatch log stream: RequestError: send request failed caused by: Post "https://logs.eu-west-1.amazonaws.com/": dial tcp 52.94.0.1:443: i/o timeout : signal: killed`, "logger", "a public address"},
	{`ContainerRuntimeTimeoutError: Could not transition to running; timed out after waiting 1m`, "start-timeout", ""},
	{`DockerTimeoutError: Could not transition to started; timed out after waiting 3m0s`, "start-timeout", ""},
	{`CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nginx:latest: failed to do request: Head "https://registry-1.docker.io/v2/library/nginx/manifests/latest": dial tcp 34.205.13.154:443: i/o timeout`, "public-registry", "a public address"},
	{`CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref docker.io/library/nginx:latest: unexpected status from HEAD request to https://registry-1.docker.io/v2/library/nginx/manifests/latest: 429 Too Many Requests - Server message: toomanyrequests: You have reached your pull rate limit.`, "rate-limit", ""},
	{`CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v9: 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v9: not found`, "image-missing", ""},
	{`CannotPullContainerError: Error response from daemon: manifest for 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:latest not found: manifest unknown: Requested image not found`, "image-missing", ""},
	{`CannotPullContainerError: Error response from daemon: pull access denied for 123456789012.dkr.ecr.us-east-1.amazonaws.com/my-app, repository does not exist or may require 'docker login'`, "image-missing", ""},
	{`CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v1: pulling from host 123456789012.dkr.ecr.eu-west-1.amazonaws.com failed with status code [manifests v1]: 403 Forbidden`, "pull-denied", ""},
	{`CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:latest: UnableToGetUpstreamImageException: pull through cache rule could not reach upstream`, "cache-upstream", ""},
	{`CannotPullContainerError: image Manifest does not contain descriptor matching platform 'linux/arm64'`, "platform", ""},
	{`CannotPullContainerError: failed to extract layer sha256:0123: write /var/lib/containerd/tmp: no space left on device`, "disk-space", ""},
	{`Resource handler returned message: "private-dns-enabled cannot be set because there is already a conflicting DNS domain for logs.eu-west-1.amazonaws.com in the VPC vpc-0abc (Service: Ec2, Status Code: 400)"`, "private-dns-conflict", ""},
}

func TestMessagesAreClassified(t *testing.T) {
	for _, m := range messages {
		t.Run(m.cause, func(t *testing.T) {
			e := Message(m.msg)
			if e.Cause == nil || e.Cause.ID != m.cause {
				t.Fatalf("cause %+v, want %s", e.Cause, m.cause)
			}
			if m.place != "" && !strings.Contains(e.Place, m.place) {
				t.Errorf("place %q, want one with %q", e.Place, m.place)
			}
			if len(e.Cause.Rules) == 0 && !e.Cause.Outside {
				t.Errorf("a cause in the path names no rule")
			}
		})
	}
}

func TestEveryCauseHasAMessage(t *testing.T) {
	got := map[string]bool{}
	for _, m := range messages {
		got[m.cause] = true
	}
	for _, c := range Causes() {
		if !got[c.ID] {
			t.Errorf("cause %s has no message in the table", c.ID)
		}
		if c.What == "" || c.Fix == "" || c.Doc == "" {
			t.Errorf("cause %s lacks what, fix or doc", c.ID)
		}
	}
}

func TestAnUnknownMessageIsNotClassified(t *testing.T) {
	for _, msg := range []string{"", "Essential container in task exited", "Task stopped by user", "Scaling activity initiated by (deployment ecs-svc/123)"} {
		if e := Message(msg); e.Cause != nil {
			t.Errorf("%q: cause %s, want none", msg, e.Cause.ID)
		}
	}
}

func TestCredentialsAreRedacted(t *testing.T) {
	secret := "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	msg := messages[0].msg + " key " + secret + " id AKIAIOSFODNN7EXAMPLE X-Amz-Signature=deadbeef"
	got := Message(msg).Message
	for _, leak := range []string{"IQoJb3JpZ2luX2VjE", "ASIAEXAMPLEEXAMPLE12", "abcdef0123", secret, "AKIAIOSFODNN7EXAMPLE", "deadbeef", "X-Amz-Credential=A"} {
		if strings.Contains(got, leak) {
			t.Errorf("%q left in %s", leak, got)
		}
	}
	for _, kept := range []string{"prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com/9a1b-1234/5678?(redacted)", "dial tcp 52.218.41.10:443: i/o timeout"} {
		if !strings.Contains(got, kept) {
			t.Errorf("%q lost from %s", kept, got)
		}
	}
	if digest := "sha256:" + strings.Repeat("ab12", 10); Redact(digest) != digest {
		t.Errorf("a hex digest was redacted: %s", Redact(digest))
	}
}

// FuzzExplain: any message gives an explanation, never a panic, and never
// keeps a signing parameter's value.
func FuzzExplain(f *testing.F) {
	for _, m := range messages {
		f.Add(m.msg)
	}
	f.Fuzz(func(t *testing.T, msg string) {
		e := Message(msg)
		if strings.Contains(strings.ToLower(e.Message), "x-amz-signature=") && !strings.Contains(strings.ToLower(e.Message), "x-amz-signature=(redacted)") {
			t.Errorf("signature kept: %q", e.Message)
		}
	})
}

// Every rule a cause names is a rule of the checker.
func TestCausesNameRealRules(t *testing.T) {
	for _, c := range Causes() {
		for _, r := range c.Rules {
			if _, ok := pullpath.RuleDocs[r]; !ok {
				t.Errorf("cause %s names %s, which is no rule", c.ID, r)
			}
		}
	}
}
