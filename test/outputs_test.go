package test

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// outputFixtures lists every input under the checker's testdata: each
// template file, each cdk.out folder and each Terraform root module, as a
// path relative to the repository root.
func outputFixtures(t *testing.T) []string {
	t.Helper()
	const root = "../constructs/pullpath/testdata"
	var out []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel := strings.TrimPrefix(p, "../")
		switch {
		case d.IsDir() && fileExists(filepath.Join(p, "manifest.json")):
			out = append(out, rel)
			return filepath.SkipDir
		case d.IsDir():
			if tf, _ := filepath.Glob(filepath.Join(p, "*.tf")); len(tf) > 0 && !strings.Contains(p, "/modules/") {
				out = append(out, rel)
			}
		case strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml"):
			if !strings.Contains(p, "/terraform/") {
				out = append(out, rel)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// pullcheckOutputs runs pullcheck in dir on path in each format and
// compares stdout with testdata/outputs/NAME.{txt,json,sarif}, or rewrites
// them with -update. They are a tripwire: a change of any report is seen.
func pullcheckOutputs(t *testing.T, dir, path, name string) {
	t.Helper()
	for _, f := range []struct{ format, ext string }{{"text", "txt"}, {"json", "json"}, {"sarif", "sarif"}} {
		_, got, _ := pullcheckIn(t, dir, "", "-format", f.format, path)
		file := filepath.Join("testdata", "outputs", name+"."+f.ext)
		if *update {
			if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(file, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(file)
		if err != nil {
			t.Fatalf("%v (run go test ./test -update to create it)", err)
		}
		if string(want) != got {
			t.Errorf("%s differs from pullcheck -format %s %s (go test ./test -update rewrites it):\n%s", file, f.format, path, lineDiff(string(want), got))
		}
	}
}

// TestPullcheckOutputs pins pullcheck's text, JSON and SARIF reports on
// every fixture of the checker and on the default app's cdk.out.
func TestPullcheckOutputs(t *testing.T) {
	fixtures := outputFixtures(t)
	if len(fixtures) < 50 {
		t.Fatalf("found %d fixtures, want the whole testdata", len(fixtures))
	}
	for _, p := range fixtures {
		name := strings.ReplaceAll(strings.TrimPrefix(p, "constructs/pullpath/testdata/"), "/", "_")
		t.Run(name, func(t *testing.T) { pullcheckOutputs(t, "..", p, name) })
	}
	t.Run("default app cdk.out", func(t *testing.T) {
		s := appScenario(t, "default")
		outdir := *s.stack.Node().Root().(interface{ Outdir() *string }).Outdir()
		dir := t.TempDir()
		if err := os.Symlink(outdir, filepath.Join(dir, "cdk.out")); err != nil {
			t.Fatal(err)
		}
		pullcheckOutputs(t, dir, "cdk.out", "default-app-cdk.out")
	})
}
