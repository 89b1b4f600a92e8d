package load

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// The findings (rule and resource) of every rule fixture and golden
// template, as the Rego pack that came before this model reported them.
// The model must keep them: same ids, same meaning.
func TestFixturesKeepTheirFindings(t *testing.T) {
	raw, err := os.ReadFile("../../../test/testdata/rules/expected-findings.json")
	if err != nil {
		t.Fatal(err)
	}
	var want map[string][]string
	if err := json.Unmarshal(raw, &want); err != nil {
		t.Fatal(err)
	}
	if len(want) < 35 {
		t.Fatalf("only %d expectations", len(want))
	}
	for name, findings := range want {
		file := filepath.Join("../../../test/testdata/rules", name)
		if _, err := os.Stat(file); err != nil {
			file = filepath.Join("../../../test/testdata", name)
		}
		t.Run(name, func(t *testing.T) {
			r, err := Check([]string{file}, opts(nil))
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, f := range r.Findings() {
				got = append(got, f.Rule+" "+f.Resource)
			}
			slices.Sort(got)
			if !slices.Equal(got, findings) {
				t.Errorf("got %q\nwant %q", got, findings)
			}
		})
	}
}

// A deployed account gives the verdicts its templates give: each snapshot
// below was written by hand from the template or Terraform module beside
// it, as the APIs would describe what it deploys. Ids differ (logical ids
// and addresses there, real ids here), so the verdicts and rules of the
// services are compared as sorted lists.
func TestSnapshotsJudgeLikeTheirTemplates(t *testing.T) {
	pairs := [][2]string{
		{"../testdata/verdicts/aws-default-app.snapshot.json", "../../../test/testdata/app-default.template.json"},
		{"../testdata/verdicts/aws-writeup-broken.snapshot.json", "../testdata/terraform/writeup-broken"},
		{"../testdata/verdicts/aws-writeup-fixed.snapshot.json", "../testdata/terraform/writeup-fixed"},
		{"../testdata/verdicts/aws-nat.snapshot.json", "../testdata/terraform/nat"},
	}
	sorted := func(file string) []string {
		r, err := Check([]string{file}, opts(nil))
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, v := range gotOf(r) {
			out = append(out, v)
		}
		slices.Sort(out)
		return out
	}
	for _, p := range pairs {
		live, tmpl := sorted(p[0]), sorted(p[1])
		if len(live) == 0 || !slices.Equal(live, tmpl) {
			t.Errorf("%s: %q\n%s: %q", p[0], live, p[1], tmpl)
		}
	}
}
