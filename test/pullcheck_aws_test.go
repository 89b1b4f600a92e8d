package test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath/aws/awstest"
	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// The pullcheck binary, AWS SDK included, stays within 25 MiB and needs no
// Node.js; the CDK plugin does not carry the deployed-account reader.
func TestPullcheckSizeAndDependencies(t *testing.T) {
	bin, err := pullcheckBin()
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(bin)
	if err != nil {
		t.Fatal(err)
	}
	if info.Size() > 25<<20 {
		t.Errorf("pullcheck is %.1f MiB, more than 25", float64(info.Size())/(1<<20))
	}
	deps := func(pkg string) string {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		return string(out)
	}
	if d := deps("../cmd/pullcheck"); strings.Contains(d, "jsii") || !strings.Contains(d, "aws-sdk-go-v2/service/ec2") {
		t.Error("pullcheck imports jsii, or not the AWS SDK")
	}
	for _, line := range strings.Split(deps("../constructs/privatepull"), "\n") {
		if strings.Contains(line, "aws-sdk-go-v2/service") || strings.Contains(line, "/pullpath/aws") {
			t.Errorf("the CDK plugin imports %s", line)
		}
	}
	if strings.Contains(deps("../constructs/pullpath/aws/snapshot"), "aws-sdk-go-v2") {
		t.Error("the snapshot package imports the AWS SDK")
	}
}

// isolate clears every source of AWS configuration the SDK would read, and
// turns off the instance metadata service (no network here).
func isolate(t *testing.T) {
	t.Helper()
	dir := t.TempDir()
	for _, k := range []string{"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN", "AWS_ENDPOINT_URL"} {
		t.Setenv(k, "")
	}
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(dir, "config"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "credentials"))
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
}

func TestPullcheckAWSWithoutRegionOrCredentialsSaysWhichInOneLine(t *testing.T) {
	isolate(t)
	code, out, errs := pullcheck(t, "", "aws")
	if code != 2 || out != "" || errs != "pullcheck aws: no region: set AWS_REGION or pass -region\n" {
		t.Errorf("no region: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, errs = pullcheck(t, "", "aws", "-region", "eu-west-1")
	if code != 2 || out != "" || !strings.HasPrefix(errs, "pullcheck aws: no AWS credentials") || strings.Count(errs, "\n") != 1 {
		t.Errorf("no credentials: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, _, errs = pullcheck(t, "", "aws", "extra")
	if code != 2 || !strings.Contains(errs, "pullcheck ./aws") {
		t.Errorf("extra argument: exit %d, stderr %q", code, errs)
	}
}

// pullcheck aws reads the account (here a fake one on 127.0.0.1 through
// AWS_ENDPOINT_URL), judges it like its snapshot, and -save writes a
// snapshot that pullcheck FILE judges offline to the same report.
func TestPullcheckAWSReadsSavesAndJudgesOffline(t *testing.T) {
	isolate(t)
	raw, err := os.ReadFile("../constructs/pullpath/testdata/verdicts/aws-writeup-broken.snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	acct, err := snapshot.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	srv := awstest.New(t, acct)
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "eu-west-1")
	saved := filepath.Join(t.TempDir(), "account.json")
	code, live, errs := pullcheck(t, "", "aws", "-save", saved, "-cluster", "app")
	if code != 1 || errs != "" || !strings.HasPrefix(live, "aws://444455556666/eu-west-1: app/app: broken") || !strings.Contains(live, "PRIVATEPULL-S3-EGRESS sg-0aa000000000w0t01") && !strings.Contains(live, "PRIVATEPULL-S3-EGRESS app/app") {
		t.Fatalf("exit %d, stderr %q:\n%s", code, errs, live)
	}
	if srv.Count("ecs:ListClusters") != 0 {
		t.Errorf("-cluster still lists clusters: %v", srv.Calls())
	}
	code, offline, errs := pullcheck(t, "", saved)
	if code != 1 || errs != "" || offline != live {
		t.Errorf("offline: exit %d, stderr %q:\n%s\nlive:\n%s", code, errs, offline, live)
	}
	for _, format := range []string{"json", "sarif"} {
		_, a, _ := pullcheck(t, "", "aws", "-format", format)
		_, b, _ := pullcheck(t, "", "-format", format, saved)
		if a != b || !strings.Contains(a, "arn:aws:ecs:eu-west-1:444455556666:service/app/app") {
			t.Errorf("-format %s: live and offline differ or name no ARN:\n%s\n%s", format, a, b)
		}
	}
}

// A folder named aws (a common Terraform layout) is checked as ./aws.
func TestPullcheckAFolderNamedAWSIsCheckedAsDotSlashAWS(t *testing.T) {
	isolate(t)
	src := "../constructs/pullpath/testdata/terraform/writeup-fixed"
	files, _ := filepath.Glob(filepath.Join(src, "*.tf"))
	if len(files) == 0 {
		t.Fatal("no fixture")
	}
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "aws"), 0o755); err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "aws", filepath.Base(f)), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errs := pullcheckIn(t, dir, "", "./aws")
	if code != 0 || errs != "" || !strings.HasPrefix(out, "./aws: aws_ecs_service.app: private") {
		t.Errorf("exit %d, stderr %q:\n%s", code, errs, out)
	}
}
