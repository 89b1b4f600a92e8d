package load

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// wantOf reads a NAME.want file: one line per ECS service,
// "ID VERDICT RULE,RULE" ("-" for no rule).
func wantOf(t *testing.T, file string) map[string]string {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		f := strings.Fields(line)
		if len(f) == 0 || strings.HasPrefix(f[0], "#") {
			continue
		}
		if len(f) == 2 {
			f = append(f, "-") // no rule expected
		}
		if len(f) != 3 {
			t.Fatalf("%s: bad line %q", file, line)
		}
		want[f[0]] = f[1] + " " + f[2]
	}
	return want
}

// gotOf gives each service of the report as "VERDICT RULE,RULE".
func gotOf(r *pullpath.Report) map[string]string {
	got := map[string]string{}
	for _, tr := range r.Templates {
		for _, s := range tr.Services {
			var ids []string
			for _, f := range s.Findings {
				ids = append(ids, f.Rule)
			}
			slices.Sort(ids)
			ids = slices.Compact(ids)
			rules := strings.Join(ids, ",")
			if rules == "" {
				rules = "-"
			}
			got[s.ID] = s.Verdict + " " + rules
		}
	}
	return got
}

// Each fixture of testdata/verdicts (a template, a cdk.out folder or a
// Terraform root module) is one situation of a real stack, with the
// verdict and rules its services get at run time in NAME.want.
func TestVerdicts(t *testing.T) {
	wants, _ := filepath.Glob("../testdata/verdicts/*.want")
	wantsTF, _ := filepath.Glob("../testdata/terraform/*/want.txt")
	wantsPlan, _ := filepath.Glob("../testdata/plans/*.want")
	if len(wants)+len(wantsTF) == 0 || len(wantsPlan) == 0 {
		t.Fatal("no fixtures")
	}
	for _, w := range append(append(wants, wantsTF...), wantsPlan...) {
		input := strings.TrimSuffix(w, ".want")
		if filepath.Base(w) == "want.txt" {
			input = filepath.Dir(w)
		} else if filepath.Base(filepath.Dir(w)) == "plans" {
			if _, err := os.Stat(input + ".plan.json"); err == nil {
				input += ".plan.json"
			} else {
				input += ".json" // NAME.state.json
			}
		} else if _, err := os.Stat(input); err != nil {
			for _, ext := range []string{".json", ".yaml", ".yml"} {
				if _, err := os.Stat(input + ext); err == nil {
					input += ext
					break
				}
			}
		}
		t.Run(input, func(t *testing.T) {
			r, err := Check([]string{input}, opts(nil))
			if err != nil {
				t.Fatal(err)
			}
			got, want := gotOf(r), wantOf(t, w)
			for id, v := range want {
				if got[id] != v {
					t.Errorf("%s: got %q, want %q", id, got[id], v)
				}
			}
			for id, v := range got {
				if _, ok := want[id]; !ok {
					t.Errorf("%s: got %q, not in %s", id, v, w)
				}
			}
			if t.Failed() {
				var b strings.Builder
				r.WriteText(&b)
				t.Log(b.String())
			}
		})
	}
}

// Every documented rule (pullpath tests that each runs) has a fixture that breaks it and one on
// whose path it applies and passes.
func TestEveryRuleBreaksAndPasses(t *testing.T) {
	v := "../testdata/verdicts/"
	cases := map[string][2]string{ // rule: a fixture that breaks it, one that passes it
		"PRIVATEPULL-ECR-API":            {ruleFixtures + "/ecr-api.json", v + "private.json"},
		"PRIVATEPULL-ECR-DKR":            {ruleFixtures + "/ecr-dkr.json", v + "private.json"},
		"PRIVATEPULL-LOGS-ENDPOINT":      {v + "isolated-no-interface-endpoints.json", v + "private.json"},
		"PRIVATEPULL-SECRETS-ENDPOINT":   {v + "secrets-no-endpoint.json", v + "private.json"},
		"PRIVATEPULL-EXEC-ENDPOINT":      {v + "exec-no-endpoint.yaml", v + "private.json"},
		"PRIVATEPULL-PRIVATE-DNS":        {v + "private-dns-off.yaml", v + "private.json"},
		"PRIVATEPULL-VPC-DNS":            {v + "vpc-dns-off-nat.json", v + "private.json"},
		"PRIVATEPULL-ENDPOINT-EGRESS":    {v + "endpoint-egress.yaml", v + "cidr-match.yaml"},
		"PRIVATEPULL-ENDPOINT-INGRESS":   {v + "cidr-miss.json", v + "cidr-match.yaml"},
		"PRIVATEPULL-ENDPOINT-POLICY":    {v + "endpoint-policy.json", v + "private.json"},
		"PRIVATEPULL-S3-GATEWAY":         {v + "rt-serves-nothing.yaml", v + "private.json"},
		"PRIVATEPULL-S3-INTERFACE":       {v + "s3-interface.json", v + "private.json"},
		"PRIVATEPULL-S3-EGRESS":          {v + "nat-s3-gateway-no-egress.json", v + "private.json"},
		"PRIVATEPULL-S3-POLICY":          {v + "nat-s3-policy.yaml", v + "review-s3policy.yaml"},
		"PRIVATEPULL-EXECUTION-ROLE":     {v + "execution-role.yaml", v + "private.json"},
		"PRIVATEPULL-PULL-THROUGH-CACHE": {v + "cache-not-granted.json", v + "cache-nat.yaml"},
		"PRIVATEPULL-IMAGE-REGISTRY":     {v + "dockerhub-isolated.json", v + "dockerhub-nat.yaml"},
		"PRIVATEPULL-PUBLIC-IP":          {v + "public-ip-igw.json", v + "private.json"},
		"PRIVATEPULL-NETWORK-ACL":        {v + "acl-egress-vpc-only.yaml", v + "acl-pass.yaml"},
		"PRIVATEPULL-IMAGE-MISSING":      {v + "aws-image-missing.snapshot.json", v + "aws-writeup-fixed.snapshot.json"},
	}
	for id := range pullpath.RuleDocs {
		if _, ok := cases[id]; !ok {
			t.Errorf("%s: no fixtures", id)
		}
	}
	for id, c := range cases {
		has := func(file string) (bool, string) {
			r, err := Check([]string{file}, opts(nil))
			if err != nil {
				t.Fatal(err)
			}
			found, verdict := false, ""
			for _, tr := range r.Templates {
				for _, s := range tr.Services {
					verdict = s.Verdict
					for _, f := range s.Findings {
						found = found || f.Rule == id
					}
				}
			}
			return found, verdict
		}
		if found, _ := has(c[0]); !found {
			t.Errorf("%s: %s does not break it", id, c[0])
		}
		if found, verdict := has(c[1]); found || (verdict != pullpath.Private && verdict != pullpath.Internet) {
			t.Errorf("%s: %s: found %v, verdict %s; want a path judged whole that passes it", id, c[1], found, verdict)
		}
	}
}
