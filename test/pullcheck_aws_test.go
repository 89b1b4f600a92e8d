package test

import (
	"os"
	"os/exec"
	"strings"
	"testing"
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
