package test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath/aws/awstest"
	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// orgOf is an organization (caller 999999999999) of n accounts,
// 100000000001 on, each in eu-west-1 and us-east-1 as the fixture
// snapshot name, with the pullcheck environment pointed at it.
func orgOf(t *testing.T, n int, name string) (*awstest.Org, map[string]*awstest.Server) {
	t.Helper()
	isolate(t)
	raw, err := os.ReadFile("../constructs/pullpath/testdata/verdicts/" + name + ".snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	base, err := snapshot.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	org := awstest.NewOrg(t, "999999999999")
	servers := map[string]*awstest.Server{}
	for i := 1; i <= n; i++ {
		id := fmt.Sprintf("1000000000%02d", i)
		for _, region := range []string{"eu-west-1", "us-east-1"} {
			text := strings.ReplaceAll(strings.ReplaceAll(string(raw), base.Account, id), base.Region, region)
			s, err := snapshot.Decode([]byte(text))
			if err != nil {
				t.Fatal(err)
			}
			servers[id+"/"+region] = org.Add(s)
		}
	}
	t.Setenv("AWS_ENDPOINT_URL", org.URL())
	t.Setenv("AWS_ACCESS_KEY_ID", awstest.CallerKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", "caller-secret")
	t.Setenv("AWS_REGION", "eu-west-1")
	return org, servers
}

const roleTemplate = "arn:aws:iam::{account}:role/PullCheck"

// 20 accounts of the organization by 2 regions, one account whose role
// cannot be assumed, one region that throttles past the retries: each
// failure is one line on stderr and an environment that hides its
// services, the 37 others are judged (exit 1: they are broken), each
// session's calls carry its own key, no progress line goes to a pipe, and
// the saved set judges offline to the same report.
func TestPullcheckAWSOrganizationByRegions(t *testing.T) {
	org, servers := orgOf(t, 20, "aws-writeup-broken")
	org.NoRole["100000000007"] = true
	servers["100000000004/us-east-1"].Throttle["ecs:ListClusters"] = 100
	saved := filepath.Join(t.TempDir(), "org.json")
	code, live, errs := pullcheck(t, "", "aws", "-accounts", "org", "-assume-role", roleTemplate, "-regions", "eu-west-1,us-east-1", "-save", saved)
	wantErrs := "pullcheck aws: aws://100000000004/us-east-1: not read: ecs:ListClusters: ThrottlingException: Rate exceeded (after 3 attempts)\n" +
		"pullcheck aws: aws://100000000007: not read: sts:AssumeRole arn:aws:iam::100000000007:role/PullCheck: AccessDenied: User: arn:aws:iam::999999999999:user/auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::100000000007:role/PullCheck\n"
	if code != 1 || errs != wantErrs {
		t.Fatalf("exit %d, stderr:\n%s\nwant:\n%s", code, errs, wantErrs)
	}
	if n := strings.Count(live, ": app/app: broken"); n != 37 {
		t.Errorf("%d broken services, want 37:\n%s", n, live)
	}
	for _, want := range []string{"aws://100000000001/eu-west-1: app/app: broken", "aws://100000000020/us-east-1: app/app: broken",
		"aws://100000000007: no ECS service\n    hidden: not read: sts:AssumeRole", "aws://100000000004/us-east-1: no ECS service\n    hidden: not read: ecs:ListClusters"} {
		if !strings.Contains(live, want) {
			t.Errorf("the report does not say %q", want)
		}
	}
	for key := range servers {
		account, region, _ := strings.Cut(key, "/")
		keys := org.Keys(account, region)
		if account == "100000000007" {
			if len(keys) != 0 {
				t.Errorf("%s was read with %v", key, keys)
			}
		} else if !slices.Equal(keys, []string{awstest.SessionKey(account)}) {
			t.Errorf("%s was read with %v", key, keys)
		}
	}
	if org.Count("sts:AssumeRole") != 20 {
		t.Errorf("%d sessions for 20 accounts", org.Count("sts:AssumeRole"))
	}
	code, offline, errs := pullcheck(t, "", saved)
	if code != 1 || errs != "" || offline != live {
		t.Errorf("offline: exit %d, stderr %q:\n%s", code, errs, offline)
	}
	code, out, _ := pullcheck(t, "", "-format", "json", saved)
	var rep struct {
		Templates []struct {
			Path   string
			Hidden []string
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != 1 || len(rep.Templates) != 39 {
		t.Fatalf("json: exit %d, %v, %d environments", code, err, len(rep.Templates))
	}
	i := slices.IndexFunc(rep.Templates, func(x struct {
		Path   string
		Hidden []string
	}) bool {
		return x.Path == "aws://100000000007"
	})
	if i < 0 || len(rep.Templates[i].Hidden) != 1 || !strings.HasPrefix(rep.Templates[i].Hidden[0], "not read: sts:AssumeRole arn:aws:iam::100000000007:role/PullCheck: AccessDenied") {
		t.Errorf("the failed account in JSON: %+v", rep.Templates)
	}
}

// -accounts @FILE: one id a line, # comments and blank lines ignored; the
// fixed stack is private everywhere (exit 0).
func TestPullcheckAWSAccountsFromAFile(t *testing.T) {
	org, _ := orgOf(t, 3, "aws-writeup-fixed")
	list := filepath.Join(t.TempDir(), "accounts.txt")
	if err := os.WriteFile(list, []byte("# production\n100000000001\n\n100000000003  # eu\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errs := pullcheck(t, "", "aws", "-accounts", "@"+list, "-assume-role", roleTemplate, "-regions", "us-east-1,eu-west-1", "-concurrency", "4")
	if code != 0 || errs != "" || strings.Count(out, ": app/app: private") != 4 || strings.Contains(out, "100000000002") {
		t.Errorf("exit %d, stderr %q:\n%s", code, errs, out)
	}
	if !strings.HasPrefix(out, "aws://100000000001/eu-west-1: ") || org.MaxInFlight() > 4 {
		t.Errorf("%d calls at once with -concurrency 4:\n%s", org.MaxInFlight(), out)
	}
}

// -regions all reads each region the account has enabled.
func TestPullcheckAWSAllRegions(t *testing.T) {
	org, _ := orgOf(t, 1, "aws-writeup-fixed")
	org.Caller = "100000000001"
	code, out, errs := pullcheck(t, "", "aws", "-regions", "all")
	why := " (everything the tasks need is reachable inside the VPC)\n"
	if code != 0 || errs != "" || out != "aws://100000000001/eu-west-1: app/app: private"+why+"aws://100000000001/us-east-1: app/app: private"+why || org.Count("ec2:DescribeRegions") != 1 {
		t.Errorf("exit %d, stderr %q:\n%s", code, errs, out)
	}
}

// When no account could be read it exits 2, each failure in one line.
func TestPullcheckAWSNoneRead(t *testing.T) {
	org, _ := orgOf(t, 2, "aws-writeup-fixed")
	org.NoRole["100000000001"], org.NoRole["100000000002"] = true, true
	code, out, errs := pullcheck(t, "", "aws", "-accounts", "100000000001,100000000002", "-assume-role", roleTemplate, "-regions", "eu-west-1")
	lines := strings.Split(strings.TrimSuffix(errs, "\n"), "\n")
	if code != 2 || out != "" || len(lines) != 3 || !strings.HasPrefix(lines[0], "pullcheck aws: aws://100000000001: not read: sts:AssumeRole") ||
		lines[2] != "pullcheck aws: no account and region could be read" {
		t.Errorf("exit %d, stdout %q, stderr:\n%s", code, out, errs)
	}
}

// Bad values of the flags: one line on stderr, exit 2, nothing read.
func TestPullcheckAWSManyBadFlags(t *testing.T) {
	org, _ := orgOf(t, 1, "aws-writeup-fixed")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"-region", "eu-west-1", "-regions", "us-east-1"}, "pullcheck aws: -region and -regions: pass one"},
		{[]string{"-regions", "eu-west-1,Ireland"}, `pullcheck aws: -regions: "Ireland" is not a region (eu-west-1,us-east-1 or all)`},
		{[]string{"-accounts", "1234", "-assume-role", roleTemplate}, `pullcheck aws: -accounts: "1234" is not an account id (12 digits)`},
		{[]string{"-accounts", "100000000001"}, "pullcheck aws: -accounts needs -assume-role, the role to assume in each account (arn:aws:iam::{account}:role/NAME)"},
		{[]string{"-assume-role", roleTemplate}, "pullcheck aws: -assume-role needs -accounts: ids, org or @FILE"},
		{[]string{"-accounts", "100000000001,100000000002", "-assume-role", "arn:aws:iam::100000000001:role/PullCheck"},
			`pullcheck aws: -assume-role: "arn:aws:iam::100000000001:role/PullCheck" does not say where the account goes ({account})`},
		{[]string{"-accounts", "org", "-assume-role", "PullCheck"}, `pullcheck aws: -assume-role: "PullCheck" is not a role ARN (arn:aws:iam::{account}:role/NAME)`},
		{[]string{"-concurrency", "0"}, "pullcheck aws: -concurrency 0: want a number, 1 or more"},
		{[]string{"-concurrency", "many"}, "pullcheck aws: -concurrency many: want a number, 1 or more"},
		{[]string{"-accounts", "@missing.txt", "-assume-role", roleTemplate}, "pullcheck aws: -accounts: open missing.txt: no such file or directory"},
	} {
		code, out, errs := pullcheck(t, "", append([]string{"aws"}, c.args...)...)
		if code != 2 || out != "" || errs != c.want+"\n" {
			t.Errorf("%v: exit %d, stdout %q, stderr %q, want %q", c.args, code, out, errs, c.want)
		}
	}
	if n := org.Calls(); n != 0 {
		t.Errorf("%d calls made", n)
	}
}
