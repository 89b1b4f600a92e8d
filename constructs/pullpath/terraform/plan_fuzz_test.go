package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// FuzzReadPlan: any bytes as a plan give a model or one error line naming
// the file, never a panic (readPlan recovers, so the body also fails on the
// recovered internal errors), and the model can be judged.
func FuzzReadPlan(f *testing.F) {
	// Seeds of tens of KB stall the fuzzer (a few execs a minute): the small
	// fixtures only.
	seeds, _ := filepath.Glob(filepath.Join("..", "testdata", "plans", "*.json"))
	for _, p := range seeds {
		if b, err := os.ReadFile(p); err == nil && len(b) < 8<<10 {
			f.Add(b)
		}
	}
	f.Add([]byte(planModules))
	f.Add([]byte(`{"format_version":"1.0","values":{"root_module":{"resources":[{"address":"aws_subnet.a","mode":"managed","type":"aws_subnet","name":"a","values":{"vpc_id":"vpc-1"}}]}}}`))
	f.Add([]byte(`{"format_version":"1.2","resource_changes":[{"address":"module.a[\"x.y\"].aws_vpc.b[0]","mode":"managed","type":"aws_vpc","name":"b","change":{"actions":["create"],"after":{},"after_unknown":{"id":true}}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ReadPlan("f.json", data)
		if err != nil {
			if m != nil {
				t.Fatal("a model with an error")
			}
			if s := err.Error(); containsInternal(s) || !strings.HasPrefix(s, "f.json: ") || strings.Contains(s, "\n") {
				t.Fatalf("error %q", s)
			}
			return
		}
		if len(m.Inputs) != 1 || m.Inputs[0].Dialect == nil {
			t.Fatal("no Terraform input")
		}
		pullpath.Judge(m)
	})
}
