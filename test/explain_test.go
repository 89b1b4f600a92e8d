package test

import (
	"encoding/json"
	"strings"
	"testing"
)

const layerTimeout = `CannotPullContainerError: ref pull has been retried 5 time(s): failed to copy: httpReadSeeker: failed open: failed to do request: Get "https://prod-eu-west-1-starport-layer-bucket.s3.eu-west-1.amazonaws.com/9a1b-0c2d?X-Amz-Security-Token=IQoJb3JpZ2luX2VjEXAMPLETOKEN&X-Amz-Signature=0123456789abcdef": dial tcp 52.218.41.10:443: i/o timeout`

func TestPullcheckExplain(t *testing.T) {
	for _, c := range []struct {
		name, stdin string
		args        []string
		code        int
		out         string
	}{
		{"explains a layer timeout and names its rules", "", []string{"explain", layerTimeout}, 0, "found by: PRIVATEPULL-S3-EGRESS"},
		{"reads the message from standard input", "ResourceInitializationError: unable to pull secrets or registry auth: execution resource retrieval failed: unable to retrieve secrets from ssm: context deadline exceeded", []string{"explain", "-"}, 0, "cause: secrets-ssm"},
		{"says a missing tag is outside the network path", "", []string{"explain", "CannotPullContainerError: failed to resolve ref 123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:v9: not found"}, 0, "outside the network path"},
		{"says so and exits 1 on a message it does not know", "", []string{"explain", "Essential container in task exited"}, 1, "see the troubleshooting table"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := pullcheck(t, c.stdin, c.args...)
			if code != c.code || !strings.Contains(out, c.out) {
				t.Errorf("exit %d, want %d; stdout lacks %q:\n%s%s", code, c.code, c.out, out, errOut)
			}
		})
	}
	for _, c := range []struct {
		name, stdin string
		args        []string
	}{
		{"fails when no message is given", "", []string{"explain"}},
		{"fails when standard input is empty", "", []string{"explain", "-"}},
		{"fails on an unknown format", "", []string{"explain", "-format", "sarif", layerTimeout}},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, _, errOut := pullcheck(t, c.stdin, c.args...)
			if code != 2 || strings.Count(strings.TrimSpace(errOut), "\n") > 2 || errOut == "" {
				t.Errorf("exit %d, want 2 with a short message; stderr %q", code, errOut)
			}
		})
	}
}

func TestPullcheckExplainRedactsCredentials(t *testing.T) {
	for _, format := range []string{"text", "json"} {
		_, out, errOut := pullcheck(t, "", "explain", "-format", format, layerTimeout)
		for _, leak := range []string{"IQoJb3JpZ2luX2VjEXAMPLETOKEN", "0123456789abcdef"} {
			if strings.Contains(out+errOut, leak) {
				t.Errorf("-format %s prints %q:\n%s", format, leak, out)
			}
		}
		if format == "json" {
			var e struct {
				Message string
				Cause   struct{ ID string }
				Addr    string
			}
			if err := json.Unmarshal([]byte(out), &e); err != nil || e.Cause.ID != "layer-download" || e.Addr != "52.218.41.10" || !strings.Contains(e.Message, "?(redacted)") {
				t.Errorf("JSON %+v (%v)", e, err)
			}
		}
	}
}
