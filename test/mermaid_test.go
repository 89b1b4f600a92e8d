package test

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/privatepull"
)

// mermaidOf returns PullPathMermaid of a template, failing the test on error.
func mermaidOf(t *testing.T, file string) string {
	t.Helper()
	out, err := privatepull.PullPathMermaid(file, findingsOf(t, file))
	if err != nil {
		t.Fatalf("PullPathMermaid(%s): %v", file, err)
	}
	return out
}

func TestMermaidDrawsTheDefaultAppsWholePath(t *testing.T) {
	// GIVEN the default app's template
	// WHEN its pull path is drawn
	out := mermaidOf(t, filepath.Join("testdata", "app-default.template.json"))

	// THEN one flowchart names every hop and has no missing link
	if n := strings.Count(out, "```mermaid\nflowchart LR\n"); n != 1 {
		t.Errorf("want one mermaid flowchart, got %d:\n%s", n, out)
	}
	for _, want := range []string{
		"ECS service ", "security group ",
		`-->|"tcp/443"| ep_`, "ecr.api endpoint", "ecr.dkr endpoint", "logs endpoint",
		`-->|"tcp/443"| pl_s3`, "S3 gateway endpoint", "route table ", "subnet ",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("diagram lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"-.->", "linkStyle", "PRIVATEPULL-", "(missing)"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("diagram of a complete path has %q:\n%s", unwanted, out)
		}
	}
}

func TestMermaidDrawsTheSeedBugAsAMissingS3Egress(t *testing.T) {
	// GIVEN the hand-written template whose task group has no egress to the S3 prefix list
	// WHEN its pull path is drawn
	out := mermaidOf(t, filepath.Join("testdata", "rules", "seed-bug.json"))

	// THEN the group's link to the prefix list is a dashed red edge labelled with the rule
	if want := `sg_TaskSG -.->|"PRIVATEPULL-S3-EGRESS"| pl_s3`; !strings.Contains(out, want) {
		t.Errorf("diagram lacks %q:\n%s", want, out)
	}
	if strings.Count(out, "-.->") != 1 || !strings.Contains(out, "linkStyle ") {
		t.Errorf("want exactly one dashed edge, styled red:\n%s", out)
	}
	// and the rest of the path is drawn as found
	if !strings.Contains(out, `sg_TaskSG -->|"tcp/443"| ep_EcrDkrEndpoint`) || !strings.Contains(out, "pl_s3 --> gw_S3GatewayEndpoint") {
		t.Errorf("diagram lacks the links the template has:\n%s", out)
	}
}

func TestMermaidDrawsEachRuleAsADashedEdge(t *testing.T) {
	for _, id := range ruleIds {
		t.Run(id, func(t *testing.T) {
			// GIVEN a fixture that breaks one rule
			file := filepath.Join("testdata", "rules", strings.ToLower(id)+".json")
			// WHEN its pull path is drawn
			out := mermaidOf(t, file)
			// THEN a dashed edge carries the rule's id
			if want := `-.->|"` + privatepull.RuleIdPrefix + id + `"|`; !strings.Contains(out, want) {
				t.Errorf("diagram lacks %q:\n%s", want, out)
			}
		})
	}
}

func TestMermaidFails(t *testing.T) {
	for _, c := range []struct{ name, file, want string }{
		{"fails when the template is YAML", filepath.Join("testdata", "rules", "good-yaml.yaml"), "not a JSON template"},
		{"fails when the file does not exist", filepath.Join("testdata", "no-such.json"), "no-such.json"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := privatepull.PullPathMermaid(c.file, nil)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("got error %v, want one containing %q", err, c.want)
			}
		})
	}
}
