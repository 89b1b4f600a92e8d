package test

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
	"github.com/privatepull/privatepull/constructs/pullpath/cloudformation"
	"github.com/privatepull/privatepull/constructs/pullpath/load"
	"github.com/privatepull/privatepull/constructs/pullpath/terraform"
)

// pullcheckBin builds cmd/pullcheck once per test binary, without version
// control information: it reports no version, whatever the checkout.
var pullcheckBin = sync.OnceValues(func() (string, error) {
	bin := filepath.Join(outRoot, "pullcheck")
	out, err := exec.Command("go", "build", "-buildvcs=false", "-o", bin, "../cmd/pullcheck").CombinedOutput()
	if err != nil {
		return "", &exec.ExitError{Stderr: out}
	}
	return bin, nil
})

// pullcheck runs the command and returns its exit code and outputs.
func pullcheck(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return pullcheckIn(t, "", stdin, args...)
}

// pullcheckIn runs the command in folder dir ("" for test/).
func pullcheckIn(t *testing.T, dir, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	bin, err := pullcheckBin()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var o, e bytes.Buffer
	cmd.Stdin, cmd.Stdout, cmd.Stderr = strings.NewReader(stdin), &o, &e
	err = cmd.Run()
	if x, ok := err.(*exec.ExitError); ok {
		code = x.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, o.String(), e.String()
}

func TestPullcheckExitCodes(t *testing.T) {
	for _, c := range []struct {
		name string
		args []string
		code int
		out  string
	}{
		{"passes on the default app", []string{"testdata/app-default.template.json"}, 0, "Service9571FDD8: private ("},
		{"passes on a looked-up VPC", []string{"testdata/app-existing-vpc.template.json"}, 0, ": undecided ("},
		{"fails with -require-private on a looked-up VPC", []string{"-require-private", "testdata/app-existing-vpc.template.json"}, 1, "unknown: "},
		{"fails on the seed bug", []string{"testdata/rules/seed-bug.json"}, 1, "error PRIVATEPULL-S3-EGRESS Service"},
		{"passes on a template with no service", []string{"testdata/repository.template.json"}, 0, "no ECS service"},
		{"skips an EC2 service", []string{"-require-private", "testdata/rules/good-ec2-bridge.json"}, 0, ": skipped (launch type EC2"},
		{"passes on a plan with no service", []string{"../constructs/pullpath/testdata/plans/no-service.plan.json"}, 0, "no ECS service"},
		{"fails on the seed bug in a plan", []string{"../constructs/pullpath/testdata/plans/writeup-broken.plan.json"}, 1, "error PRIVATEPULL-S3-EGRESS aws_ecs_service.app"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := pullcheck(t, "", c.args...)
			if code != c.code || !strings.Contains(out, c.out) {
				t.Errorf("exit %d, want %d; stdout lacks %q:\n%s%s", code, c.code, c.out, out, errOut)
			}
		})
	}
}

func TestPullcheckReadsStandardInputAndWritesJSON(t *testing.T) {
	raw, _ := os.ReadFile("testdata/rules/seed-bug.json")
	code, out, _ := pullcheck(t, string(raw), "-format", "json", "-")
	var report struct {
		Version   int
		Templates []struct {
			Path     string
			Services []struct{ ID, Verdict string }
		}
	}
	if err := json.Unmarshal([]byte(out), &report); err != nil || code != 1 {
		t.Fatalf("exit %d, %v:\n%s", code, err, out)
	}
	if report.Templates[0].Path != "-" || report.Templates[0].Services[0].Verdict != "broken" {
		t.Errorf("report %+v", report)
	}
}

func TestPullcheckBadInput(t *testing.T) {
	dir := t.TempDir()
	notJSON := filepath.Join(dir, "broken.json")
	os.WriteFile(notJSON, []byte(`{"Resources": {`), 0o644)
	plan, _ := os.ReadFile("../constructs/pullpath/testdata/plans/writeup-fixed.plan.json")
	truncated := filepath.Join(dir, "truncated.plan.json")
	os.WriteFile(truncated, plan[:len(plan)/3], 0o644)
	format2 := filepath.Join(dir, "format2.plan.json")
	os.WriteFile(format2, []byte(`{"format_version": "2.0", "terraform_version": "2.0.0", "planned_values": {}}`), 0o644)
	for _, c := range []struct{ name, path string }{
		{"fails when a plan is truncated", truncated},
		{"fails when a plan is of format 2.0", format2},
		{"fails when the file does not exist", filepath.Join(dir, "missing.json")},
		{"fails when the file is not a template", notJSON},
		{"fails when a folder holds no template", dir},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, out, errOut := pullcheck(t, "", c.path, "testdata/app-default.template.json")
			lines := strings.Split(strings.TrimSpace(errOut), "\n")
			if code != 2 || len(lines) != 1 || !strings.Contains(lines[0], c.path) || strings.Contains(errOut, "goroutine") {
				t.Errorf("exit %d, stderr %q: want 2 and one line naming %s", code, errOut, c.path)
			}
			if !strings.Contains(out, "Service9571FDD8: private") {
				t.Errorf("the report should still cover the readable input:\n%s", out)
			}
		})
	}
	t.Run("fails on an unknown format", func(t *testing.T) {
		if code, _, errOut := pullcheck(t, "", "-format", "xml", "testdata/app-default.template.json"); code != 2 || !strings.Contains(errOut, "-format xml") {
			t.Errorf("exit %d, %q", code, errOut)
		}
	})
}

// checkPaths judges templates, cloud assemblies and Terraform root modules
// as pullcheck does.
func checkPaths(paths ...string) (*pullpath.Report, error) {
	return load.Check(paths, load.Options{Readers: []pullpath.Reader{cloudformation.NewReader(nil), terraform.NewReader(terraform.Options{})}})
}
