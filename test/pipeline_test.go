package test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// The pipeline integrations: pullcheck -version and the version in the
// reports, -skip-non-templates (the pre-commit hook pullcheck),
// -terraform-roots (pullcheck-terraform), and the files pre-commit and
// GitHub Actions read (.pre-commit-hooks.yaml, action.yml, the README's
// workflow). .ci/pipelines runs the real pre-commit and actionlint on them.

// reportVersions returns the toolVersion of pullcheck's JSON report and the
// tool.driver.version of its SARIF, run by run(args...).
func reportVersions(t *testing.T, run func(args ...string) (int, string, string)) (jsonVersion, sarifVersion string) {
	t.Helper()
	_, out, _ := run("-format", "json", "testdata/app-default.template.json")
	var report struct{ ToolVersion *string }
	if err := json.Unmarshal([]byte(out), &report); err != nil {
		t.Fatal(err)
	}
	if report.ToolVersion != nil {
		jsonVersion = *report.ToolVersion
	}
	_, out, _ = run("-format", "sarif", "testdata/app-default.template.json")
	var sarif struct {
		Runs []struct {
			Tool struct{ Driver map[string]any }
		}
	}
	if err := json.Unmarshal([]byte(out), &sarif); err != nil || len(sarif.Runs) != 1 {
		t.Fatalf("SARIF: %v, %d runs", err, len(sarif.Runs))
	}
	v, _ := sarif.Runs[0].Tool.Driver["version"].(string)
	return jsonVersion, v
}

func TestPullcheckVersion(t *testing.T) {
	t.Run("a build with no version prints (devel) and reports none", func(t *testing.T) {
		code, out, errOut := pullcheck(t, "", "-version")
		if code != 0 || out != "(devel)\n" || errOut != "" {
			t.Errorf("-version: exit %d, stdout %q, stderr %q; want 0 and (devel)", code, out, errOut)
		}
		if j, s := reportVersions(t, func(args ...string) (int, string, string) { return pullcheck(t, "", args...) }); j != "" || s != "" {
			t.Errorf("toolVersion %q, tool.driver.version %q; want neither (the golden outputs hold no version)", j, s)
		}
	})
	t.Run("a build with a version prints it in one line and reports it", func(t *testing.T) {
		// GIVEN pullcheck built as the GitHub Action builds it, with its ref
		bin := filepath.Join(t.TempDir(), "pullcheck")
		if out, err := exec.Command("go", "build", "-buildvcs=false", "-ldflags=-X main.version=v0.3.0-test", "-o", bin, "../cmd/pullcheck").CombinedOutput(); err != nil {
			t.Fatalf("build: %v\n%s", err, out)
		}
		run := func(args ...string) (int, string, string) {
			var o, e strings.Builder
			cmd := exec.Command(bin, args...)
			cmd.Stdout, cmd.Stderr = &o, &e
			err := cmd.Run()
			if x, ok := err.(*exec.ExitError); ok {
				return x.ExitCode(), o.String(), e.String()
			} else if err != nil {
				t.Fatal(err)
			}
			return 0, o.String(), e.String()
		}
		if code, out, _ := run("-version"); code != 0 || out != "v0.3.0-test\n" {
			t.Errorf("-version: exit %d, stdout %q; want 0 and v0.3.0-test", code, out)
		}
		if j, s := reportVersions(t, run); j != "v0.3.0-test" || s != "v0.3.0-test" {
			t.Errorf("toolVersion %q, tool.driver.version %q; want v0.3.0-test", j, s)
		}
	})
}

func TestPullcheckSkipsFilesThatAreNotTemplates(t *testing.T) {
	notTemplates, _ := filepath.Glob("testdata/pipeline/not-templates/*")
	if len(notTemplates) < 8 {
		t.Fatalf("found %d files that are not templates", len(notTemplates))
	}
	templates := []string{
		"testdata/pipeline/templates/short-tags.yaml",                   // no AWSTemplateFormatVersion, short tags, Custom::
		"testdata/pipeline/templates/third-party.json",                  // Vendor::Service::Type only
		"../constructs/pullpath/testdata/verdicts/private.json",         // JSON
		"../constructs/pullpath/testdata/verdicts/endpoint-egress.yaml", // YAML, short tags, broken
	}
	t.Run("lists each one as skipped and checks the templates", func(t *testing.T) {
		code, out, errOut := pullcheck(t, "", append([]string{"-skip-non-templates"}, append(notTemplates, templates...)...)...)
		var skipped []string
		for _, line := range strings.Split(strings.TrimSpace(errOut), "\n") {
			f, ok := strings.CutPrefix(line, "pullcheck: skipped ")
			f, ok2 := strings.CutSuffix(f, ": not a CloudFormation template")
			if !ok || !ok2 {
				t.Errorf("stderr line %q, want pullcheck: skipped FILE: not a CloudFormation template", line)
			}
			skipped = append(skipped, f)
		}
		if !slices.Equal(skipped, notTemplates) {
			t.Errorf("skipped %v, want %v", skipped, notTemplates)
		}
		for _, f := range templates {
			if !strings.Contains(out, f+": ") {
				t.Errorf("the report does not cover the template %s:\n%s", f, out)
			}
		}
		if code != 1 || !strings.Contains(out, "endpoint-egress.yaml: Service: broken") {
			t.Errorf("exit %d, want 1 for the broken template:\n%s", code, out)
		}
	})
	t.Run("passes when every path is skipped", func(t *testing.T) {
		code, out, errOut := pullcheck(t, "", append([]string{"-skip-non-templates"}, notTemplates...)...)
		if code != 0 || out != "" || strings.Count(errOut, "\n") != len(notTemplates) {
			t.Errorf("exit %d, stdout %q, stderr %q; want 0, nothing and a line per file", code, out, errOut)
		}
		code, out, _ = pullcheck(t, "", append([]string{"-skip-non-templates", "-format", "json"}, notTemplates...)...)
		var report struct{ Templates []any }
		if err := json.Unmarshal([]byte(out), &report); err != nil || code != 0 || len(report.Templates) != 0 {
			t.Errorf("exit %d, JSON %s (%v); want 0 and an empty report", code, out, err)
		}
	})
	t.Run("fails without the flag", func(t *testing.T) {
		code, _, errOut := pullcheck(t, "", "testdata/pipeline/not-templates/k8s.yaml")
		if code != 2 || !strings.Contains(errOut, "not a CloudFormation template: no Resources") {
			t.Errorf("exit %d, stderr %q; want 2 and no Resources", code, errOut)
		}
	})
	t.Run("still fails on a template that does not parse", func(t *testing.T) {
		code, _, errOut := pullcheck(t, "", "-skip-non-templates", "testdata/pipeline/templates/bad-syntax.yaml")
		if code != 2 || !strings.Contains(errOut, "bad-syntax.yaml") || strings.Contains(errOut, "skipped") {
			t.Errorf("exit %d, stderr %q; want 2 naming the file", code, errOut)
		}
	})
	t.Run("never skips standard input", func(t *testing.T) {
		raw, _ := os.ReadFile("testdata/pipeline/not-templates/package.json")
		if code, _, errOut := pullcheck(t, string(raw), "-skip-non-templates", "-"); code != 2 || strings.Contains(errOut, "skipped") {
			t.Errorf("exit %d, stderr %q; want 2", code, errOut)
		}
	})
}

// pullcheckInRepo runs the command in dir (a scratch repository).
func pullcheckInRepo(t *testing.T, dir string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	bin, err := pullcheckBin()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	if bin, err = filepath.Abs(bin); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var o, e strings.Builder
	cmd.Stdout, cmd.Stderr = &o, &e
	err = cmd.Run()
	if x, ok := err.(*exec.ExitError); ok {
		code = x.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, o.String(), e.String()
}

func TestPullcheckChecksTheRootModulesOfTerraformFiles(t *testing.T) {
	// GIVEN a repository with a root module calling two local modules, and
	// a second root module whose service is broken
	repo := t.TempDir()
	for dst, src := range map[string]string{
		"infra":  "../constructs/pullpath/testdata/terraform/local-module",
		"legacy": "../constructs/pullpath/testdata/terraform/writeup-broken",
	} {
		if err := os.CopyFS(filepath.Join(repo, dst), os.DirFS(src)); err != nil {
			t.Fatal(err)
		}
	}
	t.Run("a child module's file checks its root", func(t *testing.T) {
		code, out, errOut := pullcheckInRepo(t, repo, "-terraform-roots", "infra/modules/app/main.tf", "infra/modules/network/main.tf")
		if code != 0 || strings.Count(out, "infra: module.app.aws_ecs_service.this: private") != 1 || strings.Contains(out, "legacy") {
			t.Errorf("exit %d, want 0 and the root infra checked once:\n%s%s", code, out, errOut)
		}
	})
	t.Run("files of two roots check both", func(t *testing.T) {
		code, out, errOut := pullcheckInRepo(t, repo, "-terraform-roots", "infra/modules/app/main.tf", "legacy/ecs.tf")
		if code != 1 || !strings.Contains(out, "infra: module.app.aws_ecs_service.this: private") || !strings.Contains(out, "legacy: aws_ecs_service.app: broken") {
			t.Errorf("exit %d, want 1 and both roots:\n%s%s", code, out, errOut)
		}
	})
	t.Run("fails when a file does not exist", func(t *testing.T) {
		code, _, errOut := pullcheckInRepo(t, repo, "-terraform-roots", "infra/missing.tf")
		if code != 2 || strings.Count(errOut, "\n") != 1 || !strings.Contains(errOut, "infra/missing.tf") {
			t.Errorf("exit %d, stderr %q; want 2 and one line naming the file", code, errOut)
		}
	})
}

func TestPreCommitHooks(t *testing.T) {
	raw, err := os.ReadFile("../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var hooks []map[string]any
	if err := yaml.Unmarshal(raw, &hooks); err != nil {
		t.Fatal(err)
	}
	byID := map[string]map[string]any{}
	for _, h := range hooks {
		byID[h["id"].(string)] = h
		if h["require_serial"] != true {
			t.Errorf("hook %v: want require_serial: true", h["id"])
		}
		if _, ok := h["language_version"]; ok {
			t.Errorf("hook %v sets language_version: pre-commit should pick the system Go or install one", h["id"])
		}
		if !strings.HasPrefix(h["entry"].(string), "pullcheck") {
			t.Errorf("hook %v: entry %q, want the binary go install ./... builds, pullcheck", h["id"], h["entry"])
		}
	}
	for id, want := range map[string]struct{ language, entry string }{
		"pullcheck":           {"golang", "pullcheck -skip-non-templates"},
		"pullcheck-terraform": {"golang", "pullcheck -terraform-roots"},
		"pullcheck-system":    {"system", "pullcheck -skip-non-templates"},
	} {
		h := byID[id]
		if h == nil || h["language"] != want.language || h["entry"] != want.entry {
			t.Errorf("hook %s: %v, want language %s and entry %q", id, h, want.language, want.entry)
		}
	}
	if len(hooks) != 3 {
		t.Errorf("%d hooks, want 3", len(hooks))
	}
	files := regexp.MustCompile(byID["pullcheck-terraform"]["files"].(string))
	for name, want := range map[string]bool{"main.tf": true, "m/x.tf.json": true, "prod.tfvars": false, "main.tftest.hcl": false, "a.tf.bak": false} {
		if files.MatchString(name) != want {
			t.Errorf("pullcheck-terraform files %q matching %s: %v, want %v", files, name, !want, want)
		}
	}
}

// readmeBlock returns the fenced block the README marks with
// <!-- NAME: FILE -->.
func readmeBlock(t *testing.T, marker string) string {
	t.Helper()
	m := regexp.MustCompile("(?s)<!-- " + regexp.QuoteMeta(marker) + " -->\n```[a-z]*\n(.*?)```").FindStringSubmatch(readme(t))
	if m == nil {
		t.Fatalf("README has no block marked <!-- %s -->", marker)
	}
	return m[1]
}

func TestActionAndTheReadmeWorkflowAgree(t *testing.T) {
	raw, err := os.ReadFile("../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	var action struct {
		Inputs map[string]struct{ Description, Default string }
		Runs   struct {
			Using string
			Steps []struct {
				Uses string
				With map[string]string
			}
		}
	}
	if err := yaml.Unmarshal(raw, &action); err != nil {
		t.Fatal(err)
	}
	var inputs []string
	for name, in := range action.Inputs {
		inputs = append(inputs, name)
		if in.Description == "" {
			t.Errorf("action input %s has no description", name)
		}
	}
	sort.Strings(inputs)
	if want := []string{"format", "paths", "require-private", "sarif-file"}; !slices.Equal(inputs, want) {
		t.Errorf("action inputs %v, want %v", inputs, want)
	}
	if action.Runs.Using != "composite" || len(action.Runs.Steps) == 0 || !strings.HasPrefix(action.Runs.Steps[0].Uses, "actions/setup-go@") ||
		action.Runs.Steps[0].With["go-version-file"] != "${{ github.action_path }}/go.mod" {
		t.Errorf("action.yml: want a composite action whose first step is actions/setup-go with the action's own go.mod, got %+v", action.Runs)
	}

	var workflow struct {
		Jobs map[string]struct {
			Permissions map[string]string
			Steps       []struct {
				Uses string
				With map[string]string
			}
		}
	}
	if err := yaml.Unmarshal([]byte(readmeBlock(t, "workflow: pullcheck.yml")), &workflow); err != nil {
		t.Fatal(err)
	}
	var used, uploaded bool
	for name, job := range workflow.Jobs {
		var sarifFile string
		for _, s := range job.Steps {
			switch {
			case strings.HasPrefix(s.Uses, "privatepull/privatepull@"):
				used = true
				for k := range s.With {
					if !slices.Contains(inputs, k) {
						t.Errorf("the README's workflow passes %s, which action.yml does not take", k)
					}
				}
				sarifFile = s.With["sarif-file"]
			case strings.HasPrefix(s.Uses, "github/codeql-action/upload-sarif@"):
				uploaded = true
				if s.With["sarif_file"] != sarifFile || sarifFile == "" {
					t.Errorf("upload-sarif uploads %q, the action writes %q", s.With["sarif_file"], sarifFile)
				}
				if job.Permissions["security-events"] != "write" || job.Permissions["actions"] != "read" || job.Permissions["contents"] != "read" {
					t.Errorf("job %s: permissions %v, want security-events: write, actions: read, contents: read", name, job.Permissions)
				}
			}
		}
	}
	if !used || !uploaded {
		t.Errorf("the README's workflow should use privatepull/privatepull@... (%v) and upload the SARIF (%v)", used, uploaded)
	}
}
