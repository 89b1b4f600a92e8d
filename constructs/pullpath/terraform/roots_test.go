package terraform

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

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
			got, err := Roots(files, repo)
			if err != nil || !reflect.DeepEqual(got, c.want) {
				t.Errorf("Roots(%v) = %v, %v; want %v", c.files, got, err, c.want)
			}
		})
	}
	t.Run("fails when a file does not exist", func(t *testing.T) {
		if _, err := Roots([]string{filepath.Join(repo, "missing.tf")}, repo); err == nil || !strings.Contains(err.Error(), "missing.tf") {
			t.Errorf("err = %v, want one naming missing.tf", err)
		}
	})
}
