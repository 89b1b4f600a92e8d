package aws

import (
	"context"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
	"github.com/privatepull/privatepull/constructs/pullpath/aws/awstest"
	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// read reads the fake account with the reader.
func read(t testing.TB, f *awstest.Server, opts Options) *snapshot.Snapshot {
	t.Helper()
	s, err := Read(context.Background(), f.Config(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

const fixtures = "../testdata/verdicts/"

func account(t testing.TB, name string) *snapshot.Snapshot {
	t.Helper()
	raw, err := os.ReadFile(fixtures + name + ".snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := snapshot.Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// verdicts judges a snapshot: service id to "VERDICT RULE,RULE".
func verdicts(s *snapshot.Snapshot) (map[string]string, *pullpath.Report) {
	r := pullpath.Judge(snapshot.Model(s))
	out := map[string]string{}
	for _, tr := range r.Templates {
		for _, sr := range tr.Services {
			var rules []string
			for _, f := range sr.Findings {
				rules = append(rules, f.Rule)
			}
			slices.Sort(rules)
			out[sr.ID] = sr.Verdict + " " + strings.Join(slices.Compact(rules), ",")
		}
	}
	return out, r
}

// Read through the SDK's real clients, each fixture account gives what
// its hand-written snapshot gives: every operation answers in its own
// wire protocol, and the verdicts are the same.
func TestReadsEachAccountLikeItsSnapshot(t *testing.T) {
	for _, name := range []string{"aws-default-app", "aws-writeup-broken", "aws-writeup-fixed", "aws-nat", "aws-image-missing", "aws-30-services",
		"aws-dhcp-custom", "aws-private-dns-off", "aws-endpoint-ingress", "aws-public-ip"} {
		t.Run(name, func(t *testing.T) {
			acct := account(t, name)
			f := awstest.New(t, acct)
			got := read(t, f, Options{})
			want, _ := verdicts(acct)
			have, rep := verdicts(got)
			if len(have) == 0 || !mapsEqual(have, want) {
				var b strings.Builder
				rep.WriteText(&b)
				t.Errorf("read %v\nwant %v\n%s", have, want, b.String())
			}
			if got.Account != acct.Account || got.Region != acct.Region || got.ReadAt == "" || len(got.Denied) != 0 {
				t.Errorf("snapshot %s/%s at %q, denied %v", got.Account, got.Region, got.ReadAt, got.Denied)
			}
		})
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// What a read keeps: URL-encoded IAM documents decoded, EC2's lowercase
// endpoint states, the main route table, prefix-list entries, and never
// an environment value.
func TestReadKeepsTheAPIShapes(t *testing.T) {
	f := awstest.New(t, account(t, "aws-default-app"))
	s := read(t, f, Options{})
	raw, err := snapshot.Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	for _, bad := range []string{"hunter2", "DB_PASSWORD", "%7B", "jane.doe"} {
		if strings.Contains(text, bad) {
			t.Errorf("the snapshot holds %q", bad)
		}
	}
	if doc := s.IAM.Roles[0].RolePolicies[0].PolicyDocument; !json.Valid([]byte(doc)) {
		t.Errorf("inline policy not decoded: %s", doc)
	}
	if st := s.EC2.VpcEndpoints[0].State; st != "available" {
		t.Errorf("endpoint state %q", st)
	}
	if len(s.ECS.Services[0].Tags) != 3 || len(s.EC2.Vpcs[0].Tags) != 3 {
		t.Errorf("CloudFormation tags %+v %+v", s.ECS.Services[0].Tags, s.EC2.Vpcs[0].Tags)
	}
	if len(s.EC2.PrefixLists) != 1 || len(s.EC2.PrefixLists[0].Entries) != 4 {
		t.Errorf("prefix lists %+v", s.EC2.PrefixLists)
	}
	m := snapshot.Model(s)
	if m.VPCs[0].MainRouteTable == nil || m.VPCs[0].DNSHostnames != pullpath.Yes {
		t.Errorf("vpc %+v", m.VPCs[0])
	}
}

// A refused read is an unknown that names the missing action, never an
// error: EC2 answers UnauthorizedOperation, IAM AccessDenied, ECR
// AccessDeniedException.
func TestDeniedReadsBecomeUnknowns(t *testing.T) {
	f := awstest.New(t, account(t, "aws-writeup-fixed"))
	f.Deny["iam:ListAttachedRolePolicies"] = true
	f.Deny["ec2:DescribeRouteTables"] = true
	f.Deny["ecr:DescribeImages"] = true
	f.Deny["ecr:DescribePullThroughCacheRules"] = true
	s := read(t, f, Options{})
	var actions []string
	for _, d := range s.Denied {
		actions = append(actions, d.Action)
	}
	want := []string{"ec2:DescribeRouteTables", "ecr:DescribeImages", "ecr:DescribePullThroughCacheRules", "iam:ListAttachedRolePolicies"}
	if !slices.Equal(actions, want) {
		t.Errorf("denied %v, want %v", actions, want)
	}
	_, rep := verdicts(s)
	sr := rep.Templates[0].Services[0]
	all := strings.Join(sr.Unknowns, "\n")
	if sr.Verdict != pullpath.Undecided || len(sr.Findings) != 0 {
		t.Errorf("verdict %s (%s), findings %v", sr.Verdict, sr.Why, sr.Findings)
	}
	for _, phrase := range []string{
		"iam:ListAttachedRolePolicies denied: the managed policies of role app-execution are unknown",
		"ec2:DescribeRouteTables denied: the route tables of VPC vpc-0aa0000000000w001 are unknown",
		"ecr:DescribeImages denied: the images of repository app are unknown",
		"ecr:DescribePullThroughCacheRules denied",
	} {
		if !strings.Contains(all, phrase) {
			t.Errorf("no unknown says %q:\n%s", phrase, all)
		}
	}
}

// Throttled calls are retried by the standard retryer (with no wait here)
// until they succeed: EC2's RequestLimitExceeded (HTTP 503), ECS's
// ThrottlingException, IAM's Throttling.
func TestThrottlingThenSuccess(t *testing.T) {
	f := awstest.New(t, account(t, "aws-writeup-fixed"))
	f.Throttle["ec2:DescribeRouteTables"] = 2
	f.Throttle["ecs:DescribeServices"] = 1
	f.Throttle["iam:ListRolePolicies"] = 1
	s := read(t, f, Options{})
	if got, _ := verdicts(s); got["app/app"] != "private " {
		t.Errorf("verdicts %v", got)
	}
	if f.Count("ec2:DescribeRouteTables") != 3 || f.Count("ecs:DescribeServices") != 2 || f.Count("iam:ListRolePolicies") != 2 {
		t.Errorf("calls %v", f.Calls())
	}
}

// Pages are read until the token is gone, even when a page is empty: here
// every EC2 listing starts with an empty page, then one item a page, so the
// route tables (3) and the rules (5) of the default app take many pages.
func TestPaginationUntilTheTokenIsGone(t *testing.T) {
	acct := account(t, "aws-default-app")
	f := awstest.New(t, acct)
	f.Page, f.EmptyFirst = 1, true
	s := read(t, f, Options{})
	if len(s.EC2.RouteTables) != 3 || len(s.EC2.SecurityGroupRules) != 5 || len(s.EC2.SecurityGroups) != 4 {
		t.Errorf("read %d route tables, %d rules, %d groups", len(s.EC2.RouteTables), len(s.EC2.SecurityGroupRules), len(s.EC2.SecurityGroups))
	}
	if f.Count("ec2:DescribeRouteTables") != 1+3 || f.Count("ec2:DescribeSecurityGroupRules") != 1+5 {
		t.Errorf("calls %v", f.Calls())
	}
	if got, _ := verdicts(s); len(got) != 1 || !strings.HasPrefix(got["PrivatePull-ServiceCluster572F72F1-Xk2Lq9/PrivatePull-Service9571FDD8-Bn3Rt7"], "private") {
		t.Errorf("verdicts %v", got)
	}
}

// The flags narrow the read: named clusters are not listed, named services
// are described without listing.
func TestClustersAndServicesNarrowTheRead(t *testing.T) {
	f := awstest.New(t, account(t, "aws-30-services"))
	s := read(t, f, Options{Clusters: []string{"cluster-1"}, Services: []string{"svc-12", "svc-13"}})
	got, _ := verdicts(s)
	if len(got) != 2 || got["cluster-1/svc-12"] == "" || got["cluster-1/svc-13"] == "" {
		t.Errorf("verdicts %v", got)
	}
	if f.Count("ecs:ListClusters") != 0 || f.Count("ecs:ListServices") != 0 || f.Count("ecs:DescribeTaskDefinition") != 2 {
		t.Errorf("calls %v", f.Calls())
	}
}

// For 30 services over 3 clusters, 30 task definitions, 30 repositories,
// one VPC and 3 execution roles (one inline policy each), the calls follow
// the README's formula, per API.
func TestCallsFollowTheFormula(t *testing.T) {
	f := awstest.New(t, account(t, "aws-30-services"))
	read(t, f, Options{})
	const C, T, R, V, P, E, I, M = 3, 30, 30, 1, 1, 3, 1, 0
	perCluster := []int{10, 10, 10}
	listServices, describeServices := 0, 0
	for _, n := range perCluster {
		listServices += (n + 99) / 100
		describeServices += (n + 9) / 10
	}
	want := map[string]int{
		"sts:GetCallerIdentity": 1, "ecs:ListClusters": 1, "ecs:DescribeClusters": (C + 99) / 100,
		"ecs:ListServices": listServices, "ecs:DescribeServices": describeServices, "ecs:DescribeTaskDefinition": T,
		"ec2:DescribeSubnets": 2, "ec2:DescribeVpcs": 1, "ec2:DescribeVpcAttribute": 2 * V, "ec2:DescribeDhcpOptions": 1,
		"ec2:DescribeRouteTables": 1, "ec2:DescribeNatGateways": 1, "ec2:DescribeInternetGateways": 1, "ec2:DescribeVpcEndpoints": 1,
		"ec2:DescribeSecurityGroups": 1, "ec2:DescribeSecurityGroupRules": 1, "ec2:DescribeNetworkAcls": 1,
		"ec2:DescribeManagedPrefixLists": 1, "ec2:GetManagedPrefixListEntries": P,
		"iam:ListRolePolicies": E, "iam:GetRolePolicy": E * I, "iam:ListAttachedRolePolicies": E, "iam:GetPolicy": M, "iam:GetPolicyVersion": M,
		"ecr:DescribePullThroughCacheRules": 1, "ecr:DescribeImages": R,
	}
	total := 0
	for _, o := range Operations {
		if got := f.Count(o.Action); got != want[o.Action] {
			t.Errorf("%s: %d calls, want %d", o.Action, got, want[o.Action])
		}
		total += f.Count(o.Action)
	}
	for action := range f.Calls() {
		if !known(action) {
			t.Errorf("%s called, not in Operations", action)
		}
	}
	if total != 94 || total > 110 {
		t.Errorf("%d calls in all, want 94 (at most 110)", total)
	}
}

// The table holds only reads, and the README's minimal policy lists
// exactly the table's actions.
func TestPolicyListsExactlyTheOperations(t *testing.T) {
	var table []string
	for _, o := range Operations {
		if !ReadOnly(o.Action) && o.Action != "sts:GetCallerIdentity" && o.Action != "sts:AssumeRole" {
			t.Errorf("%s is not a Describe*, List* or Get*", o.Action)
		}
		table = append(table, o.Action)
	}
	raw, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	start := strings.Index(text, "## A deployed account")
	if start < 0 {
		t.Fatal("README has no section \"A deployed account\"")
	}
	section := text[start:]
	if end := strings.Index(section[3:], "\n## "); end > 0 {
		section = section[:end+3]
	}
	// the role's policy, then the caller's (sts:AssumeRole on the roles)
	blocks := regexp.MustCompile("(?s)```json\n(.*?)```").FindAllStringSubmatch(section, -1)
	if len(blocks) == 0 {
		t.Fatal("the section has no JSON policy")
	}
	var listed []string
	for _, block := range blocks {
		var doc struct {
			Statement []struct {
				Effect   string
				Action   []string
				Resource string
			}
		}
		if err := json.Unmarshal([]byte(block[1]), &doc); err != nil {
			t.Fatal(err)
		}
		for _, st := range doc.Statement {
			assume := slices.Equal(st.Action, []string{"sts:AssumeRole"}) && strings.HasPrefix(st.Resource, "arn:aws:iam::")
			if st.Effect != "Allow" || st.Resource != "*" && !assume {
				t.Errorf("statement %+v", st)
			}
			listed = append(listed, st.Action...)
		}
	}
	slices.Sort(table)
	slices.Sort(listed)
	if !slices.Equal(table, listed) {
		t.Errorf("README policy %v\nOperations %v", listed, table)
	}
}

func TestEveryCallIsInTheTable(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("a call outside Operations was made")
		}
	}()
	r := &reader{sem: make(chan struct{}, 1)}
	_ = r.call(t.Context(), "ec2:CreateVpcEndpoint", "", "", nil)
}

// Every operation of the table answers once at least, a customer managed
// policy's document included (GetPolicy, then GetPolicyVersion of its
// default version, URL-encoded), and an ECS refusal names its action too.
func TestEachOperationOnce(t *testing.T) {
	acct := account(t, "aws-writeup-fixed")
	arn := "arn:aws:iam::444455556666:policy/app-pull"
	acct.IAM.Roles[0].AttachedPolicies = []snapshot.AttachedPolicy{{PolicyName: "app-pull", PolicyArn: arn}}
	acct.IAM.Roles[0].RolePolicies = []snapshot.RolePolicy{{PolicyName: "none", PolicyDocument: `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`}}
	acct.IAM.Policies = []snapshot.ManagedPolicy{{Arn: arn, PolicyName: "app-pull", DefaultVersionId: "v3", Document: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["ecr:GetAuthorizationToken","ecr:BatchGetImage","ecr:GetDownloadUrlForLayer","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}`}}
	withStopped(acct, 1)
	f := awstest.New(t, acct)
	s := read(t, f, Options{Stopped: 5})
	for _, o := range Operations {
		if f.Count(o.Action) == 0 && !slices.Contains(manyOnly, o.Action) {
			t.Errorf("%s was not called", o.Action)
		}
	}
	if len(s.IAM.Policies) != 1 || !json.Valid([]byte(s.IAM.Policies[0].Document)) {
		t.Errorf("policies %+v", s.IAM.Policies)
	}
	if got, _ := verdicts(s); got["app/app"] != "private " {
		t.Errorf("verdicts %v", got)
	}

	f = awstest.New(t, acct)
	f.Deny["ecs:DescribeTaskDefinition"] = true
	f.Deny["iam:GetPolicyVersion"] = true
	s = read(t, f, Options{})
	_, rep := verdicts(s)
	sr := rep.Templates[0].Services[0]
	if sr.Verdict != pullpath.Undecided || !strings.Contains(strings.Join(sr.Unknowns, "\n"), "ecs:DescribeTaskDefinition denied: the containers and execution role of task definition arn:aws:ecs:eu-west-1:444455556666:task-definition/app:3 are unknown") {
		t.Errorf("%s: %q", sr.Verdict, sr.Unknowns)
	}
	if f.Count("iam:GetPolicyVersion") != 0 {
		t.Errorf("with no task definition there is no role to read: %v", f.Calls())
	}
}

// Refusals of whole kinds: the security groups, the VPC endpoints.
func TestDeniedGroupsAndEndpoints(t *testing.T) {
	for action, want := range map[string]string{
		"ec2:DescribeSecurityGroups": "ec2:DescribeSecurityGroups denied: the security groups of VPC vpc-0aa0000000000w001 are unknown",
		"ec2:DescribeVpcEndpoints":   "ec2:DescribeVpcEndpoints denied: the VPC endpoints of VPC vpc-0aa0000000000w001 are unknown",
	} {
		f := awstest.New(t, account(t, "aws-writeup-fixed"))
		f.Deny[action] = true
		_, rep := verdicts(read(t, f, Options{}))
		sr := rep.Templates[0].Services[0]
		if all := strings.Join(sr.Unknowns, "\n"); sr.Verdict != pullpath.Undecided || !strings.Contains(all, want) {
			t.Errorf("%s: %s: %s", action, sr.Verdict, all)
		}
	}
}

// A cluster or service the flags name that is not there stops the read
// with a message saying which.
func TestNamedButMissing(t *testing.T) {
	f := awstest.New(t, account(t, "aws-30-services"))
	for _, c := range []struct {
		opts Options
		want string
	}{
		{Options{Clusters: []string{"cluster-9"}}, "ecs:DescribeClusters: cluster arn:aws:ecs:eu-west-1:444455556666:cluster/cluster-9: missing"},
		{Options{Clusters: []string{"cluster-1"}, Services: []string{"svc-99"}}, "ecs:DescribeServices: service svc-99: not found in the clusters read"},
	} {
		_, err := Read(context.Background(), f.Config(), c.opts)
		if err == nil || err.Error() != c.want {
			t.Errorf("%+v: got %v, want %q", c.opts, err, c.want)
		}
	}
}
