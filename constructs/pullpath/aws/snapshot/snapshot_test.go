package snapshot

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

const fixtures = "../../testdata/verdicts/"

func TestTakesSnapshotsOnly(t *testing.T) {
	raw, err := os.ReadFile(fixtures + "aws-default-app.snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	r := NewReader()
	for _, c := range []struct {
		src  pullpath.Source
		want bool
	}{
		{pullpath.Source{Path: "a.json", Data: raw}, true},
		{pullpath.Source{Path: "t.json", Data: []byte(`{"Resources": {"A": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": "pullcheckSnapshot"}}}}`)}, false},
		{pullpath.Source{Path: "t.json", Data: []byte(`{"Metadata": {"pullcheckSnapshot": 1}}`)}, false},
		{pullpath.Source{Path: "t.yaml", Data: []byte("pullcheckSnapshot: 1\n")}, false},
		{pullpath.Source{Path: "aws", Dir: true}, false},
	} {
		if got := r.Takes(&c.src); got != c.want {
			t.Errorf("Takes(%s %q) = %v, want %v", c.src.Path, c.src.Data, got, c.want)
		}
	}
}

func TestRefusesOtherVersionsAndEnvironments(t *testing.T) {
	for _, c := range []struct{ doc, want string }{
		{`{"pullcheckSnapshot": 3, "account": "1", "region": "r"}`, "snapshot version 3: this pullcheck reads versions 1 (an account and region) and 2 (a set)"},
		{`{"pullcheckSnapshot": 2, "account": "1", "region": "r"}`, "a set of no snapshot"},
		{`{"pullcheckSnapshot": 2, "snapshots": [{"pullcheckSnapshot": 1, "region": "r"}]}`, "snapshot 1: without an account or a region"},
		{`{"pullcheckSnapshot": 1, "region": "eu-west-1"}`, "without an account or a region"},
		{`{"pullcheckSnapshot": 1, "account": "1", "region": "r", "ecs": []}`, "not a pullcheck snapshot"},
	} {
		err := NewReader().Read(&pullpath.Source{Path: "s.json", Data: []byte(c.doc)})
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "s.json: ") {
			t.Errorf("%s: got %v, want %q", c.doc, err, c.want)
		}
	}
}

// Environment values are never kept: a snapshot written from one that has
// them (a hand-made one, say) drops them.
func TestEncodeKeepsNoEnvironment(t *testing.T) {
	doc := `{"pullcheckSnapshot": 1, "account": "111122223333", "region": "eu-west-1", "ecs": {"taskDefinitions": [{"family": "f", "revision": 1,
		"containerDefinitions": [{"name": "app", "image": "nginx", "environment": [{"name": "DB_PASSWORD", "value": "hunter2"}],
		"secrets": [{"name": "TOKEN", "valueFrom": "arn:aws:secretsmanager:eu-west-1:111122223333:secret:token"}]}]}]}}`
	s, err := Decode([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	out, err := Encode(s)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "hunter2") || strings.Contains(string(out), "DB_PASSWORD") || !strings.Contains(string(out), "secret:token") {
		t.Errorf("encoded:\n%s", out)
	}
	if !Is(out) {
		t.Error("an encoded snapshot is not recognised")
	}
}

// The model keeps the account as it is: real ids, CLUSTER/SERVICE, the
// main route table, IAM's URL-encoded documents decoded, and EC2's
// lowercase endpoint states.
func TestModelOfTheDefaultApp(t *testing.T) {
	raw, err := os.ReadFile(fixtures + "aws-default-app.snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	m := Model(s)
	if in := m.Inputs[0]; in.Path != "aws://111122223333/eu-west-1" || in.Stack != "" || in.Account != "111122223333" || in.Region != "eu-west-1" {
		t.Errorf("input %+v", in)
	}
	if len(m.Services) != 1 || m.Services[0].ID != "PrivatePull-ServiceCluster572F72F1-Xk2Lq9/PrivatePull-Service9571FDD8-Bn3Rt7" {
		t.Fatalf("services %+v", m.Services)
	}
	if v := m.VPCs[0]; v.MainRouteTable == nil || v.MainRouteTable.ID != "rtb-0e2a0000000000000" || v.DNSSupport != pullpath.Yes || len(v.DNSServers) != 0 {
		t.Errorf("vpc %+v", v)
	}
	if len(m.Endpoints) != 4 || m.Endpoints[0].ID != "vpce-0f3b0000000000api" || m.Endpoints[0].Service != "ecr.api" {
		t.Errorf("endpoints %+v", m.Endpoints)
	}
	role := m.TaskDefs[0].ExecRole
	if role == nil || len(role.Policies) != 1 || role.Policies[0].Why != "" || len(role.Policies[0].Statements) != 3 {
		t.Errorf("role %+v", role)
	}
	if c := m.TaskDefs[0].Containers[0]; c.Found != pullpath.Yes || c.LogDriver != "awslogs" {
		t.Errorf("container %+v", c)
	}
	for _, sn := range m.Subnets {
		if !sn.Associated || sn.RouteTable == nil || sn.NetworkACL == nil || !sn.ACLAssociated {
			t.Errorf("subnet %+v", sn)
		}
	}
}

func TestDeniedAndUnseenPieces(t *testing.T) {
	s := &Snapshot{PullcheckSnapshot: 1, Account: "1", Region: "eu-west-1",
		Denied: []Denied{{Action: "ec2:DescribeVpcEndpoints", What: "the VPC endpoints"}, {Action: "ecr:DescribePullThroughCacheRules", What: "the pull-through cache rules"}}}
	s.EC2.Vpcs = []Vpc{{VpcId: "vpc-1", DhcpOptionsId: "dopt-1"}}
	s.EC2.DhcpOptions = []DhcpOptions{{DhcpOptionsId: "dopt-1", DhcpConfigurations: []DhcpConfiguration{{Key: "domain-name-servers", Values: []AttributeValue{{Value: "10.9.0.2"}}}}}}
	m := Model(s)
	in := m.Inputs[0]
	if len(in.Hidden) != 1 || in.Hidden[0] != "ec2:DescribeVpcEndpoints denied: the VPC endpoints are unknown" {
		t.Errorf("hidden %q", in.Hidden)
	}
	if len(in.Unknowns) != 1 || !strings.Contains(in.Unknowns[0], "ecr:DescribePullThroughCacheRules denied") {
		t.Errorf("unknowns %q", in.Unknowns)
	}
	if v := m.VPCs[0]; len(v.DNSServers) != 1 || v.DNSServers[0] != "10.9.0.2" || v.DNSSupport != pullpath.Unknown {
		t.Errorf("vpc %+v", v)
	}
}

// CIDR rules that cover every block of the region's S3 prefix list reach
// S3 as a rule to the list does; rules that miss one block do not.
func TestCIDRRulesCoveringS3sBlocks(t *testing.T) {
	raw, err := os.ReadFile(fixtures + "aws-writeup-broken.snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	verdict := func(blocks ...string) string {
		s, err := Decode(raw)
		if err != nil {
			t.Fatal(err)
		}
		for i, b := range blocks {
			s.EC2.SecurityGroupRules = append(s.EC2.SecurityGroupRules, SecurityGroupRule{SecurityGroupRuleId: "sgr-s3" + strconv.Itoa(i),
				GroupId: "sg-0aa000000000w0t01", IsEgress: true, IpProtocol: "tcp", FromPort: 443, ToPort: 443, CidrIpv4: b})
		}
		r := pullpath.Judge(Model(s))
		return r.Templates[0].Services[0].Verdict
	}
	// the fixture's S3 list holds 3.5.64.0/21 and 52.218.0.0/17
	if v := verdict("3.5.0.0/16", "52.218.0.0/16"); v != pullpath.Private {
		t.Errorf("both blocks covered: %s", v)
	}
	if v := verdict("52.218.0.0/16"); v != pullpath.Broken {
		t.Errorf("one block missed: %s", v)
	}
}

// An image under a pull-through cache prefix is not missing when its
// repository does not exist yet: the first pull creates it.
func TestCachedImagesAreNotMissing(t *testing.T) {
	raw, err := os.ReadFile(fixtures + "aws-image-missing.snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	s.ECS.TaskDefinitions[0].ContainerDefinitions[0].Image = "444455556666.dkr.ecr.eu-west-1.amazonaws.com/docker-hub/library/nginx:1.27"
	s.ECR.ImageFailures = []ImageFailure{{RegistryId: "444455556666", RepositoryName: "docker-hub/library/nginx", ImageId: ImageId{ImageTag: "1.27"}, FailureCode: "RepositoryNotFound"}}
	s.ECR.PullThroughCacheRules = []PullThroughCacheRule{{EcrRepositoryPrefix: "docker-hub", UpstreamRegistryUrl: "registry-1.docker.io"}}
	for _, f := range pullpath.Judge(Model(s)).Findings() {
		if f.Rule == "PRIVATEPULL-IMAGE-MISSING" {
			t.Errorf("%s", f.Message)
		}
	}
}

// A default route to a Gateway Load Balancer endpoint (a firewall) leads
// somewhere the reader does not follow: an unknown, not "no way out".
func TestFirewallRouteIsUnknown(t *testing.T) {
	raw, err := os.ReadFile(fixtures + "aws-nat.snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	rt := &s.EC2.RouteTables[2] // web-a's
	rt.Routes[1] = Route{DestinationCidrBlock: "0.0.0.0/0", GatewayId: "vpce-0f1rewa11000000001", State: "active"}
	sr := pullpath.Judge(Model(s)).Templates[0].Services[0]
	if sr.ID != "nat/web-a" || sr.Verdict != pullpath.Undecided {
		t.Errorf("%s: %s", sr.ID, sr.Verdict)
	}
	if !strings.Contains(sr.Why+strings.Join(sr.Unknowns, " "), "vpce-0f1rewa11000000001") {
		t.Errorf("%s (%s) %q", sr.Verdict, sr.Why, sr.Unknowns)
	}
}

// A fix on a resource a CloudFormation stack created says the change
// belongs in the stack's template.
func TestFixesOnStackResourcesNameTheStack(t *testing.T) {
	raw, err := os.ReadFile(fixtures + "aws-default-app.snapshot.json")
	if err != nil {
		t.Fatal(err)
	}
	s, err := Decode(raw)
	if err != nil {
		t.Fatal(err)
	}
	s.EC2.SecurityGroupRules = slices.DeleteFunc(s.EC2.SecurityGroupRules, func(r SecurityGroupRule) bool { return r.PrefixListId != "" })
	sr := pullpath.Judge(Model(s)).Templates[0].Services[0]
	if len(sr.Findings) != 1 || sr.Findings[0].Rule != "PRIVATEPULL-S3-EGRESS" ||
		!strings.HasSuffix(sr.Findings[0].Fix, "(PrivatePull-ServiceCluster572F72F1-Xk2Lq9/PrivatePull-Service9571FDD8-Bn3Rt7 belongs to CloudFormation stack PrivatePull (logical id Service9571FDD8): make the change in its template, or the stack drifts)") {
		t.Errorf("%+v", sr.Findings)
	}
}
