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
