package pullpath

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
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
func gotOf(r *Report) map[string]string {
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
	wants, _ := filepath.Glob("testdata/verdicts/*.want")
	wantsTF, _ := filepath.Glob("testdata/terraform/*/want.txt")
	if len(wants)+len(wantsTF) == 0 {
		t.Fatal("no fixtures")
	}
	for _, w := range append(wants, wantsTF...) {
		input := strings.TrimSuffix(w, ".want")
		if filepath.Base(w) == "want.txt" {
			input = filepath.Dir(w)
		} else if _, err := os.Stat(input); err != nil {
			for _, ext := range []string{".json", ".yaml", ".yml"} {
				if _, err := os.Stat(input + ext); err == nil {
					input += ext
					break
				}
			}
		}
		t.Run(input, func(t *testing.T) {
			r, err := Check([]string{input}, Options{})
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
