package cloudformation

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// FuzzReadTemplate: any bytes give a model or an error, never a panic, and
// the model can be judged and drawn.
func FuzzReadTemplate(f *testing.F) {
	files, _ := filepath.Glob("../../../test/testdata/rules/*")
	launchers, _ := filepath.Glob("../testdata/verdicts/launchers-*.yaml")
	files = append(files, launchers...)
	for _, file := range files {
		if raw, err := os.ReadFile(file); err == nil {
			f.Add(raw)
		}
	}
	f.Add([]byte("Resources:\n  A:\n    Type: !Ref X\n    Properties: !If [C, {}, !Sub '${A.B}']\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		r := NewReader(nil)
		if r.Read(&pullpath.Source{Path: "-", Data: raw}) != nil {
			return
		}
		pullpath.Judge(r.Model()).Mermaid()
	})
}
