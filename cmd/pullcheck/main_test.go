package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"
)

// withBuildInfo makes the build info say version (ok false: no build info)
// for the length of a test.
func withBuildInfo(t *testing.T, version string, ok bool) {
	t.Helper()
	saved := readBuildInfo
	readBuildInfo = func() (*debug.BuildInfo, bool) {
		if !ok {
			return nil, false
		}
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/privatepull/privatepull", Version: version}}, true
	}
	t.Cleanup(func() { readBuildInfo = saved })
}

func TestToolVersion(t *testing.T) {
	for _, c := range []struct {
		name, version string
		ok            bool
		want          string
	}{
		{"a release", "v0.3.0", true, "v0.3.0"},
		{"a pseudo-version", "v0.0.0-20261201213100-eb747bb0a1b2", true, "v0.0.0-20261201213100-eb747bb0a1b2"},
		{"a local build", "(devel)", true, "(devel)"},
		{"no version recorded", "", true, "(devel)"},
		{"no build info", "", false, "(devel)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			withBuildInfo(t, c.version, c.ok)
			if got := toolVersion(); got != c.want {
				t.Errorf("toolVersion() = %q, want %q", got, c.want)
			}
		})
	}
	t.Run("a version set at link time wins", func(t *testing.T) {
		withBuildInfo(t, "(devel)", true)
		version = "v0.4.0"
		defer func() { version = "" }()
		if got := toolVersion(); got != "v0.4.0" {
			t.Errorf("toolVersion() = %q, want v0.4.0", got)
		}
	})
}

func TestReportsOfADevelBuildHoldNoVersion(t *testing.T) {
	withBuildInfo(t, "(devel)", true)
	for _, format := range []string{"json", "sarif"} {
		var out, errOut bytes.Buffer
		run([]string{"-format", format, "../../constructs/pullpath/testdata/verdicts/private.json"}, strings.NewReader(""), &out, &errOut)
		if strings.Contains(out.String(), "(devel)") || strings.Contains(out.String(), "toolVersion") {
			t.Errorf("-format %s: the report holds a version:\n%s", format, out.String())
		}
	}
}

func TestVersionInEveryOutput(t *testing.T) {
	withBuildInfo(t, "v0.3.0", true)
	template := "../../constructs/pullpath/testdata/verdicts/private.json"
	runOK := func(args ...string) string {
		t.Helper()
		var out, errOut bytes.Buffer
		if code := run(args, strings.NewReader(""), &out, &errOut); code != 0 {
			t.Fatalf("pullcheck %v: exit %d, %s", args, code, errOut.String())
		}
		return out.String()
	}
	if got := runOK("-version"); got != "v0.3.0\n" {
		t.Errorf("-version printed %q, want one line v0.3.0", got)
	}
	var report struct {
		Version     int
		ToolVersion string
	}
	if err := json.Unmarshal([]byte(runOK("-format", "json", template)), &report); err != nil || report.Version != 1 || report.ToolVersion != "v0.3.0" {
		t.Errorf("JSON report: version %d, toolVersion %q (%v); want 1 and v0.3.0", report.Version, report.ToolVersion, err)
	}
	var sarif struct {
		Runs []struct {
			Tool struct {
				Driver struct{ Name, Version string }
			}
		}
	}
	if err := json.Unmarshal([]byte(runOK("-format", "sarif", template)), &sarif); err != nil || len(sarif.Runs) != 1 || sarif.Runs[0].Tool.Driver.Version != "v0.3.0" {
		t.Errorf("SARIF tool.driver: %+v (%v), want version v0.3.0", sarif.Runs, err)
	}
}

// writeTree writes files (path: content) under dir.
func writeTree(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, content := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTerraformRoots(t *testing.T) {
	repo := t.TempDir()
	writeTree(t, repo, map[string]string{
		// a calls x, which calls y; b calls y too (in JSON syntax)
		"a/main.tf":           `module "x" { source = "./modules/x" }`,
		"a/modules/x/main.tf": `module "y" { source = "../y" }`,
		"a/modules/y/main.tf": `resource "aws_sns_topic" "t" {}`,
		"b/main.tf.json":      `{"module": {"y": {"source": "../a/modules/y"}}}`,
		// c calls a registry module and a git one only: it is called by no one
		"c/main.tf": `module "vpc" { source = "terraform-aws-modules/vpc/aws" }
module "git" { source = "git::https://example.com/m.git" }`,
		// what terraform init downloads does not count as a caller
		"c/.terraform/modules/m/main.tf": `module "c" { source = "../../.." }`,
		// a file that does not parse still leaves the rest readable
		"c/broken.tf": `module "x" {`,
		// d and e call each other and nothing else calls them
		"d/main.tf": `module "e" { source = "../e" }`,
		"e/main.tf": `module "d" { source = "../d" }`,
	})
	for _, c := range []struct {
		name  string
		files []string
		want  []string
	}{
		{"a root module is its own root", []string{"a/main.tf"}, []string{"a"}},
		{"a child module maps to its caller", []string{"a/modules/x/main.tf"}, []string{"a"}},
		{"a grandchild maps through its callers to every root", []string{"a/modules/y/main.tf"}, []string{"a", "b"}},
		{"a JSON root module", []string{"b/main.tf.json"}, []string{"b"}},
		{"registry and git sources do not make a caller", []string{"c/main.tf"}, []string{"c"}},
		{"a folder stands for itself", []string{"a/modules/x"}, []string{"a"}},
		{"files of one root give it once", []string{"a/main.tf", "a/modules/x/main.tf", "c/broken.tf"}, []string{"a", "c"}},
		{"a cycle with no root checks the folder itself", []string{"d/main.tf"}, []string{"d"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			var files []string
			for _, f := range c.files {
				files = append(files, filepath.Join(repo, f))
			}
			got, err := terraformRoots(files, repo)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("terraformRoots(%v) = %v, %v; want %v", c.files, got, err, c.want)
			}
		})
	}
	t.Run("fails when a file does not exist", func(t *testing.T) {
		if _, err := terraformRoots([]string{filepath.Join(repo, "missing.tf")}, repo); err == nil || !strings.Contains(err.Error(), "missing.tf") {
			t.Errorf("err = %v, want one naming missing.tf", err)
		}
	})
}
