package aws

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/privatepull/privatepull/constructs/pullpath"
	"github.com/privatepull/privatepull/constructs/pullpath/aws/awstest"
	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// moved is the fixture account moved to another account id and region.
func moved(t testing.TB, s *snapshot.Snapshot, account, region string) *snapshot.Snapshot {
	t.Helper()
	raw, err := snapshot.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.ReplaceAll(string(raw), s.Account, account)
	text = strings.ReplaceAll(text, s.Region, region)
	out, err := snapshot.Decode([]byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

const role = "arn:aws:iam::{account}:role/PullCheck"

func acctID(i int) string { return fmt.Sprintf("1000000000%02d", i) }

// An organization of 20 active accounts (and a suspended one) by 2
// regions: each account's role is assumed once for both regions and its
// calls go out with its own session's key; an account whose role cannot be
// assumed is one failure with its reason, a region that throttles past the
// retries is one failure, a region that throttles less is read, and the
// other accounts go on, each judged as its own environment.
func TestReadAllOrganization(t *testing.T) {
	base := account(t, "aws-writeup-broken")
	org := awstest.NewOrg(t, "999999999999")
	org.Suspended = []string{acctID(21)}
	org.NoRole[acctID(7)] = true
	regions := []string{"eu-west-1", "us-east-1"}
	servers := map[string]*awstest.Server{}
	for i := 1; i <= 20; i++ {
		for _, r := range regions {
			servers[acctID(i)+"/"+r] = org.Add(moved(t, base, acctID(i), r))
		}
	}
	servers[acctID(3)+"/us-east-1"].Throttle["ec2:DescribeRouteTables"] = 2
	servers[acctID(4)+"/us-east-1"].Throttle["ecs:ListClusters"] = 100
	var progress Progress
	res, err := ReadAll(context.Background(), org.Config("eu-west-1"), Targets{Org: true, RoleTemplate: role, Regions: regions}, Options{}, &progress)
	if err != nil {
		t.Fatal(err)
	}
	want := []snapshot.Failure{
		{Account: acctID(4), Region: "us-east-1", Reason: "ecs:ListClusters: ThrottlingException: Rate exceeded (after 3 attempts)"},
		{Account: acctID(7), Reason: "sts:AssumeRole arn:aws:iam::100000000007:role/PullCheck: AccessDenied: User: arn:aws:iam::999999999999:user/auditor is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::100000000007:role/PullCheck"},
	}
	if !slices.Equal(res.Failed, want) {
		t.Errorf("failed %+v\nwant %+v", res.Failed, want)
	}
	if len(res.Snapshots) != 37 {
		t.Errorf("%d snapshots, want 37", len(res.Snapshots))
	}
	wantVerdicts, _ := verdicts(base)
	for _, s := range res.Snapshots {
		if got, _ := verdicts(s); !mapsEqual(got, wantVerdicts) {
			t.Errorf("%s/%s: %v, want %v", s.Account, s.Region, got, wantVerdicts)
		}
		if keys := org.Keys(s.Account, s.Region); !slices.Equal(keys, []string{awstest.SessionKey(s.Account)}) {
			t.Errorf("%s/%s saw keys %v", s.Account, s.Region, keys)
		}
	}
	if org.Count("sts:AssumeRole") != 20 || org.Count("organizations:ListAccounts") != 5 {
		t.Errorf("%d AssumeRole, %d ListAccounts, want 20 and 5 (21 accounts, 5 a page)", org.Count("sts:AssumeRole"), org.Count("organizations:ListAccounts"))
	}
	if len(org.Keys(acctID(7), "eu-west-1")) != 0 || len(org.Keys(acctID(21), "eu-west-1")) != 0 {
		t.Error("an account not assumed or not active was read")
	}
	// the throttled region retried alone
	if n := servers[acctID(3)+"/us-east-1"].Count("ec2:DescribeRouteTables"); n != 3 {
		t.Errorf("throttled region: %d DescribeRouteTables, want 3", n)
	}
	for key, f := range servers {
		if key != acctID(3)+"/us-east-1" && !strings.HasPrefix(key, acctID(4)+"/") && !strings.HasPrefix(key, acctID(7)+"/") {
			if n := f.Count("ec2:DescribeRouteTables"); n != 1 {
				t.Errorf("%s: %d DescribeRouteTables, want 1", key, n)
			}
		}
	}
	if progress.Done.Load() != 40 || progress.Total.Load() != 40 || progress.AccountsDone.Load() != 20 || progress.Calls.Load() == 0 {
		t.Errorf("progress %d/%d pairs, %d accounts, %d calls", progress.Done.Load(), progress.Total.Load(), progress.AccountsDone.Load(), progress.Calls.Load())
	}

	// the set judges as one: an environment each, the failures hidden
	raw, err := snapshot.EncodeSet(&snapshot.Set{Snapshots: res.Snapshots, Failed: res.Failed})
	if err != nil {
		t.Fatal(err)
	}
	set, err := snapshot.DecodeAll(raw)
	if err != nil {
		t.Fatal(err)
	}
	rep := pullpath.Judge(snapshot.SetModel(set))
	if len(rep.Templates) != 39 {
		t.Fatalf("%d environments, want 39", len(rep.Templates))
	}
	paths := map[string][]string{}
	for _, tr := range rep.Templates {
		paths[tr.Path] = tr.Hidden
	}
	if h := paths["aws://100000000007"]; len(h) != 1 || !strings.HasPrefix(h[0], "not read: sts:AssumeRole") {
		t.Errorf("aws://100000000007 hides %q", h)
	}
	if _, ok := paths["aws://100000000012/us-east-1"]; !ok {
		t.Errorf("no aws://100000000012/us-east-1 in %v", paths)
	}
	if !rep.Failed(false) || !rep.Failed(true) {
		t.Error("the set has findings")
	}
}

// Without a role, -regions all reads the caller's account in every
// region it has enabled, with the caller's key.
func TestReadAllEnabledRegions(t *testing.T) {
	base := account(t, "aws-writeup-fixed")
	org := awstest.NewOrg(t, base.Account)
	for _, r := range []string{"eu-west-1", "eu-central-1", "ap-southeast-2"} {
		org.Add(moved(t, base, base.Account, r))
	}
	res, err := ReadAll(context.Background(), org.Config(""), Targets{AllRegions: true}, Options{Concurrency: 3}, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range res.Snapshots {
		got = append(got, s.Account+"/"+s.Region)
		if keys := org.Keys(s.Account, s.Region); !slices.Equal(keys, []string{awstest.CallerKey}) {
			t.Errorf("%s saw %v", s.Region, keys)
		}
	}
	want := []string{"444455556666/ap-southeast-2", "444455556666/eu-central-1", "444455556666/eu-west-1"}
	if !slices.Equal(got, want) || len(res.Failed) != 0 || org.Count("ec2:DescribeRegions") != 1 {
		t.Errorf("read %v, failed %v, %d DescribeRegions", got, res.Failed, org.Count("ec2:DescribeRegions"))
	}
	if org.MaxInFlight() > 3 {
		t.Errorf("%d calls at once, more than -concurrency 3", org.MaxInFlight())
	}
}

// A call that backs off after throttling holds no place of the pool:
// with one call in flight at most, while account 1 waits to retry,
// account 2 goes on reading (its route tables are read before account 1's
// retry is let go), and both are read.
func TestThrottledBacksOffAlone(t *testing.T) {
	base := account(t, "aws-writeup-fixed")
	org := awstest.NewOrg(t, "999999999999")
	a := org.Add(moved(t, base, acctID(1), "eu-west-1"))
	b := org.Add(moved(t, base, acctID(2), "eu-west-1"))
	a.Throttle["ecs:ListClusters"] = 1
	cfg := org.Config("eu-west-1")
	var othersWent atomic.Bool
	cfg.Retryer = func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.RateLimiter = ratelimit.None
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) {
				// not a timing: the bound only stops a pool that would hang
				for range 2000 {
					if b.Count("ec2:DescribeRouteTables") > 0 {
						othersWent.Store(true)
						break
					}
					time.Sleep(5 * time.Millisecond)
				}
				return 0, nil
			})
		})
	}
	res, err := ReadAll(context.Background(), cfg, Targets{Accounts: []string{acctID(1), acctID(2)}, RoleTemplate: role}, Options{Concurrency: 1}, nil)
	if err != nil || len(res.Snapshots) != 2 || len(res.Failed) != 0 {
		t.Fatalf("%v %+v", err, res)
	}
	if !othersWent.Load() || a.Count("ecs:ListClusters") != 2 || org.MaxInFlight() != 1 {
		t.Errorf("account 2 went on: %v; account 1 listed its clusters %d times; %d calls at once", othersWent.Load(), a.Count("ecs:ListClusters"), org.MaxInFlight())
	}
}

// Listing the organization is the caller's: when it is refused nothing is
// read, and the error says so in one line.
func TestReadAllOrganizationRefused(t *testing.T) {
	org := awstest.NewOrg(t, "999999999999")
	org.Add(moved(t, account(t, "aws-writeup-fixed"), acctID(1), "eu-west-1"))
	cfg := org.Config("eu-west-1")
	cfg.Credentials = nil
	_, err := ReadAll(context.Background(), cfg, Targets{Org: true, RoleTemplate: role, Regions: []string{"eu-west-1"}}, Options{}, nil)
	if err == nil || !strings.HasPrefix(err.Error(), "organizations:ListAccounts: ") || strings.Contains(err.Error(), "\n") {
		t.Errorf("err %v", err)
	}
}

// Account lists: commas, blanks, lines, # comments; 12 digits each.
func TestParseAccounts(t *testing.T) {
	got, err := ParseAccounts("# prod\n111122223333\n\n444455556666 # eu\n111122223333,777788889999\n")
	if err != nil || !slices.Equal(got, []string{"111122223333", "444455556666", "777788889999"}) {
		t.Errorf("%v %v", got, err)
	}
	for _, bad := range []string{"", "# none\n", "11112222333", "111122223333,abc"} {
		if _, err := ParseAccounts(bad); err == nil {
			t.Errorf("%q: no error", bad)
		}
	}
	if ValidRoleTemplate("arn:aws:iam::{account}:role/PullCheck", 2) != nil || ValidRoleTemplate("arn:aws:iam::111122223333:role/PullCheck", 2) == nil ||
		ValidRoleTemplate("PullCheck", 1) == nil || ValidRoleTemplate("arn:aws:iam::111122223333:role/PullCheck", 1) != nil {
		t.Error("role templates")
	}
}

// BenchmarkReadAll50ms reads 40 account-region pairs (20 accounts by 2
// regions, roles assumed) of 5 services each from an organization that
// answers every call after 50 ms, at the default concurrency; floor-s is
// calls x 50 ms / concurrency, the wall time of a pool kept busy:
// go test ./constructs/pullpath/aws -run '^$' -bench ReadAll50ms -benchtime 3x
func BenchmarkReadAll50ms(b *testing.B) {
	base := accountOf(b, 5)
	org := awstest.NewOrg(b, "999999999999")
	for i := 1; i <= 20; i++ {
		for _, r := range []string{"eu-west-1", "us-east-1"} {
			org.Add(moved(b, base, acctID(i), r))
		}
	}
	org.Latency = 50 * time.Millisecond
	var accounts []string
	for i := 1; i <= 20; i++ {
		accounts = append(accounts, acctID(i))
	}
	start := org.Calls()
	for b.Loop() {
		res, err := ReadAll(context.Background(), org.Config("eu-west-1"), Targets{Accounts: accounts, RoleTemplate: role, Regions: []string{"eu-west-1", "us-east-1"}}, Options{}, nil)
		if err != nil || len(res.Snapshots) != 40 {
			b.Fatal(err, res.Failed)
		}
	}
	calls := float64(org.Calls()-start) / float64(b.N)
	b.ReportMetric(calls, "calls/op")
	b.ReportMetric(calls*0.050/DefaultPoolConcurrency, "floor-s")
	b.ReportMetric(float64(org.MaxInFlight()), "max-in-flight")
}
