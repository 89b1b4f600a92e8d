package pullpath

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadTemplate: any bytes give a report or an error, never a panic.
func FuzzReadTemplate(f *testing.F) {
	files, _ := filepath.Glob("../../test/testdata/rules/*")
	for _, file := range files {
		if raw, err := os.ReadFile(file); err == nil {
			f.Add(raw)
		}
	}
	f.Add([]byte("Resources:\n  A:\n    Type: !Ref X\n    Properties: !If [C, {}, !Sub '${A.B}']\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		r, _ := Check([]string{"-"}, Options{Stdin: bytes.NewReader(raw)})
		r.Mermaid()
	})
}
