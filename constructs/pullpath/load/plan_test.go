package load

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// Where the static reader knows everything, the plan of the same
// configuration gets the same verdicts and rules; where the static reader
// is undecided on what only a plan shows (a registry module, a variable
// with no value, a data source), the plan's verdict is decided.
func TestPlanConformance(t *testing.T) {
	for _, c := range []struct {
		hcl, plan string
		same      bool
	}{
		{"writeup-broken", "writeup-broken", true},
		{"writeup-fixed", "writeup-fixed", true},
		{"no-egress-block", "no-egress-block", true},
		{"main-route-table", "main-route-table", true},
		{"count-foreach", "count-foreach", true},
		{"registry-vpc", "registry-vpc", false},
	} {
		t.Run(c.plan, func(t *testing.T) {
			hcl := gotOf(check(t, filepath.Join("..", "testdata", "terraform", c.hcl)))
			plan := gotOf(check(t, filepath.Join("..", "testdata", "plans", c.plan+".plan.json")))
			if len(hcl) == 0 || len(hcl) != len(plan) {
				t.Fatalf("HCL %v, plan %v: want the same services", hcl, plan)
			}
			for id, v := range hcl {
				switch {
				case c.same && plan[id] != v:
					t.Errorf("%s: plan %q, HCL %q", id, plan[id], v)
				case !c.same && (!strings.HasPrefix(v, pullpath.Undecided+" ") || plan[id] == "" || strings.HasPrefix(plan[id], pullpath.Undecided+" ")):
					t.Errorf("%s: plan %q, HCL %q: want the HCL undecided and the plan decided", id, plan[id], v)
				}
			}
		})
	}
}

// A truncated plan, or one of format 2.0, is one error line naming it;
// the other inputs are still judged.
func TestPlanBadInputKeepsTheRest(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join("..", "testdata", "plans", "writeup-fixed.plan.json")
	raw, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	bad := map[string][]byte{
		"truncated.plan.json": raw[:len(raw)-100],
		"format2.plan.json":   []byte(`{"format_version": "2.0", "terraform_version": "2.0.0", "planned_values": {"root_module": {}}}`),
	}
	for name, data := range bad {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Check([]string{p, good}, opts(nil))
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.HasPrefix(err.Error(), p+": ") {
			t.Errorf("%s: error %v, want one line naming it", name, err)
		}
		if v := verdicts(r); v["aws_ecs_service.app"] != pullpath.Private {
			t.Errorf("%s: verdicts %v, want the good plan's service private", name, v)
		}
	}
}

// Sensitive values and variables of a plan are in clear text in the file;
// none may show in any report.
func TestPlanReportsHoldNoSensitiveValue(t *testing.T) {
	p := filepath.Join("..", "testdata", "plans", "registry-vpc.plan.json")
	raw, err := os.ReadFile(p)
	const secret = "Zq9-PLAN-SECRET-hunter2"
	if err != nil || !bytes.Contains(raw, []byte(secret)) {
		t.Fatalf("the fixture should hold %s in clear text (%v)", secret, err)
	}
	r := check(t, p)
	var b bytes.Buffer
	r.WriteText(&b)
	r.WriteJSON(&b)
	r.WriteSARIF(&b)
	b.WriteString(r.Mermaid())
	if bytes.Contains(b.Bytes(), []byte(secret)) {
		t.Errorf("%s shows in a report", secret)
	}
}

func TestAPlanWithNoServiceIsNotAFailure(t *testing.T) {
	r := check(t, filepath.Join("..", "testdata", "plans", "no-service.plan.json"))
	if len(r.Templates) != 1 || len(r.Templates[0].Services) != 0 || r.Failed(false) {
		t.Errorf("report %+v: want one input with no service, not failed", r.Templates)
	}
}
