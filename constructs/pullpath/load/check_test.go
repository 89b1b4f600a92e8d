package load

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
	"github.com/privatepull/privatepull/constructs/pullpath/cloudformation"
	"github.com/privatepull/privatepull/constructs/pullpath/terraform"

	"github.com/owenrumney/go-sarif/v3/pkg/report/v210/sarif"
)

const ruleFixtures = "../../../test/testdata/rules"

func check(t *testing.T, paths ...string) *pullpath.Report {
	t.Helper()
	r, err := Check(paths, opts(nil))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func verdicts(r *pullpath.Report) map[string]string {
	out := map[string]string{}
	for _, t := range r.Templates {
		for _, s := range t.Services {
			out[s.ID] = s.Verdict
		}
	}
	return out
}

func TestTheDefaultAppIsPrivate(t *testing.T) {
	r := check(t, "../../../test/testdata/app-default.template.json")
	if v := verdicts(r); v["Service9571FDD8"] != pullpath.Private || len(v) != 1 {
		t.Errorf("verdicts %v, want the service private", v)
	}
	if r.Failed(true) {
		t.Error("Failed(requirePrivate) on the default app")
	}
}

func TestALookedUpVPCIsUndecidedAndSaysWhatItCannotSee(t *testing.T) {
	r := check(t, "../../../test/testdata/app-existing-vpc.template.json")
	s := r.Templates[0].Services[0]
	joined := strings.Join(s.Unknowns, "\n")
	if s.Verdict != pullpath.Undecided || !strings.Contains(joined, "DNS") || !strings.Contains(joined, "route table") {
		t.Errorf("verdict %s, unknowns %q: want undecided naming the DNS attributes and the route tables", s.Verdict, s.Unknowns)
	}
}

func TestTheSeedBugIsBrokenWithItsError(t *testing.T) {
	r := check(t, filepath.Join(ruleFixtures, "seed-bug.json"))
	s := r.Templates[0].Services[0]
	if s.Verdict != pullpath.Broken || len(s.Findings) != 1 || s.Findings[0].Rule != "PRIVATEPULL-S3-EGRESS" {
		t.Fatalf("got %s %+v", s.Verdict, s.Findings)
	}
	f := s.Findings[0]
	if !strings.Contains(f.Message, "starport-layer-bucket") || f.Fix == "" || !strings.HasPrefix(f.Help, pullpath.HelpBase) || f.Line == 0 {
		t.Errorf("finding %+v: want the error users see, a fix, a help link and a line", f)
	}
	if !r.Failed(false) {
		t.Error("Failed() is false on a broken stack")
	}
}

func TestEveryFindingHasAFixAndHelp(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(ruleFixtures, "*.json"))
	for _, file := range files {
		if filepath.Base(file) == "expected-findings.json" {
			continue
		}
		for _, f := range check(t, file).Findings() {
			if f.Fix == "" || f.Help != pullpath.HelpURI(f.Rule) || pullpath.RuleDocs[f.Rule] == "" || len(f.Message) < 40 {
				t.Errorf("%s: %+v", file, f)
			}
		}
	}
}

func TestYAMLShortTagsReadAsJSON(t *testing.T) {
	r := check(t, filepath.Join(ruleFixtures, "good-yaml.yaml"))
	if v := verdicts(r); v["Service"] == pullpath.Broken || len(v) != 1 {
		t.Errorf("verdicts %v", v)
	}
}

func TestBadInputIsRefusedWithTheFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		os.WriteFile(p, []byte(body), 0o644)
		return p
	}
	big := write("big.json", `{"Resources": {}, "x": "`+strings.Repeat("a", pullpath.MaxFileSize)+`"}`)
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	for _, c := range []struct{ name, path, want string }{
		{"fails when the file does not exist", filepath.Join(dir, "missing.json"), "missing.json"},
		{"fails when a folder holds no template", empty, "neither manifest.json"},
		{"fails when the text is neither JSON nor YAML", write("text.txt", "Resources: [\n"), "neither JSON nor valid YAML"},
		{"fails when the JSON is broken", write("broken.json", `{"Resources": {`), "not valid JSON"},
		{"fails when Resources is not an object", write("list.json", `{"Resources": []}`), "Resources is not an object"},
		{"fails when a resource has no Type", write("notype.json", `{"Resources": {"A": {"Properties": {}}}}`), "resource A has no Type"},
		{"fails when the file is over the limit", big, "larger than 5 MB"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, err := Check([]string{c.path, filepath.Join(ruleFixtures, "good.json")}, opts(nil))
			if err == nil || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), filepath.Base(c.path)) || strings.Contains(err.Error(), "\n") {
				t.Errorf("got %v, want one line naming the file and %q", err, c.want)
			}
			if len(r.Templates) != 1 {
				t.Errorf("the report should still cover good.json: %d templates", len(r.Templates))
			}
		})
	}
	t.Run("fails when standard input is over the limit", func(t *testing.T) {
		_, err := Check([]string{"-"}, opts(strings.NewReader(strings.Repeat(" ", pullpath.MaxFileSize+1))))
		if err == nil || !strings.Contains(err.Error(), "standard input") {
			t.Errorf("got %v", err)
		}
	})
}

func TestATransformIsUnknownNotAnError(t *testing.T) {
	tpl := `{"Transform": "AWS::LanguageExtensions", "Resources": {"Fn::ForEach::Eps": ["S", ["a"], {}], "Svc": {"Type": "AWS::ECS::Service", "Properties": {"LaunchType": "FARGATE", "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets": [{"Ref": "Sub"}]}}}}, "Sub": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": {"Ref": "Vpc"}}}, "Vpc": {"Type": "AWS::EC2::VPC", "Properties": {"EnableDnsHostnames": true}}}}`
	r, err := Check([]string{"-"}, opts(strings.NewReader(tpl)))
	if err != nil {
		t.Fatal(err)
	}
	s := r.Templates[0].Services[0]
	if s.Verdict != pullpath.Undecided || !strings.Contains(strings.Join(s.Unknowns, "\n"), "AWS::LanguageExtensions") {
		t.Errorf("got %s %q", s.Verdict, s.Unknowns)
	}
}

func TestJSONReportKeepsItsNames(t *testing.T) {
	var b bytes.Buffer
	check(t, filepath.Join(ruleFixtures, "seed-bug.json"), "../../../test/testdata/repository.template.json").WriteJSON(&b)
	var doc struct {
		Version   int
		Templates []struct {
			Path     string
			Stack    *string
			Services []struct {
				ID, Verdict, Why string
				Unknowns         []string
				Findings         []map[string]any
			}
			Findings []map[string]any
		}
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != 1 || len(doc.Templates) != 2 || doc.Templates[1].Services == nil || len(doc.Templates[1].Services) != 0 {
		t.Fatalf("report %s", b.String())
	}
	f := doc.Templates[0].Findings[0]
	for _, key := range []string{"rule", "severity", "template", "resource", "message", "fix", "acknowledged", "file", "line"} {
		if _, ok := f[key]; !ok {
			t.Errorf("finding lacks %q: %v", key, f)
		}
	}
}

func TestSARIFIsValid(t *testing.T) {
	var b bytes.Buffer
	if err := check(t, filepath.Join(ruleFixtures, "seed-bug.json"), filepath.Join(ruleFixtures, "public-ip.json")).WriteSARIF(&b); err != nil {
		t.Fatal(err)
	}
	rep, err := sarif.FromBytes(b.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if err := rep.Validate(); err != nil {
		t.Fatalf("not SARIF 2.1.0: %v", err)
	}
	res := rep.Runs[0].Results
	if len(res) != 2 || *res[0].RuleID == "" || res[0].Level == "" || res[0].Locations[0].PhysicalLocation.Region.StartLine == nil {
		t.Errorf("results %s", b.String())
	}
	if uri := *res[0].Locations[0].PhysicalLocation.ArtifactLocation.URI; filepath.IsAbs(uri) {
		t.Errorf("uri %s is not relative", uri)
	}
}

func TestAcknowledgedFindingsAreReportedAsSuch(t *testing.T) {
	raw, _ := os.ReadFile(filepath.Join(ruleFixtures, "public-ip.json"))
	var tpl map[string]any
	json.Unmarshal(raw, &tpl)
	svc := tpl["Resources"].(map[string]any)["Service"].(map[string]any)
	svc["Metadata"] = map[string]any{"privatepull": map[string]any{"acknowledge": []any{map[string]any{"id": "PRIVATEPULL-PUBLIC-IP", "reason": "a test"}}}}
	raw, _ = json.Marshal(tpl)
	r, err := Check([]string{"-"}, opts(bytes.NewReader(raw)))
	if err != nil {
		t.Fatal(err)
	}
	fs := r.Findings()
	if len(fs) != 1 || !fs[0].Acknowledged || fs[0].Reason != "a test" {
		t.Errorf("findings %+v", fs)
	}
}

func TestMermaidDrawsTheDefaultAppsWholePath(t *testing.T) {
	out := check(t, "../../../test/testdata/app-default.template.json").Mermaid()
	if n := strings.Count(out, "```mermaid\nflowchart LR\n"); n != 1 || !strings.Contains(out, ": private\n") {
		t.Errorf("want one flowchart titled private, got %d:\n%s", n, out)
	}
	for _, want := range []string{"ECS service ", "security group ", `-->|"tcp/443"| ep_`, "ecr.api endpoint", "ecr.dkr endpoint", "logs endpoint",
		`-->|"tcp/443"| pl_s3`, "S3 gateway endpoint", "route table ", "subnet "} {
		if !strings.Contains(out, want) {
			t.Errorf("diagram lacks %q:\n%s", want, out)
		}
	}
	for _, unwanted := range []string{"-.->", "linkStyle", "PRIVATEPULL-", "(missing)"} {
		if strings.Contains(out, unwanted) {
			t.Errorf("diagram of a complete path has %q:\n%s", unwanted, out)
		}
	}
}

func TestMermaidDrawsTheSeedBugAsAMissingS3Egress(t *testing.T) {
	out := check(t, filepath.Join(ruleFixtures, "seed-bug.json")).Mermaid()
	if want := `sg_TaskSG -.->|"PRIVATEPULL-S3-EGRESS"| pl_s3`; !strings.Contains(out, want) {
		t.Errorf("diagram lacks %q:\n%s", want, out)
	}
	if strings.Count(out, "-.->") != 1 || !strings.Contains(out, "linkStyle ") {
		t.Errorf("want exactly one dashed edge, styled red:\n%s", out)
	}
	if !strings.Contains(out, `sg_TaskSG -->|"tcp/443"| ep_EcrDkrEndpoint`) || !strings.Contains(out, "pl_s3 --> gw_S3GatewayEndpoint") {
		t.Errorf("diagram lacks the links the template has:\n%s", out)
	}
}

func TestMermaidDrawsEachRuleAsADashedEdge(t *testing.T) {
	for _, id := range []string{"ECR-API", "ECR-DKR", "PRIVATE-DNS", "S3-INTERFACE", "S3-GATEWAY", "S3-EGRESS", "ENDPOINT-EGRESS",
		"ENDPOINT-INGRESS", "VPC-DNS", "S3-POLICY", "ENDPOINT-POLICY", "LOGS-ENDPOINT", "SECRETS-ENDPOINT", "EXEC-ENDPOINT", "PUBLIC-IP", "EXECUTION-ROLE"} {
		t.Run(id, func(t *testing.T) {
			out := check(t, filepath.Join(ruleFixtures, strings.ToLower(id)+".json")).Mermaid()
			if want := `-.->|"` + pullpath.RuleIDPrefix + id + `"|`; !strings.Contains(out, want) {
				t.Errorf("diagram lacks %q:\n%s", want, out)
			}
		})
	}
}

func TestThirtyServicesAreAllPrivate(t *testing.T) {
	r := check(t, "../testdata/services-30.template.json")
	if n := len(r.Templates[0].Services); n != 30 {
		t.Fatalf("%d services", n)
	}
	for id, v := range verdicts(r) {
		if v != pullpath.Private {
			t.Errorf("%s: %s", id, v)
		}
	}
}

func TestTwoChecksGiveTheSameReport(t *testing.T) {
	paths := []string{"../../../test/testdata/real-tasks.template.json", "../testdata/verdicts/nat.json", "../testdata/terraform/count-foreach"}
	var outs [2]string
	for i := range outs {
		var b bytes.Buffer
		r := check(t, paths...)
		r.WriteJSON(&b)
		outs[i] = b.String() + r.Mermaid()
	}
	if outs[0] != outs[1] {
		t.Error("two checks of the same inputs differ")
	}
}

func TestAnImportNamedByAStackParameterLinksTheSet(t *testing.T) {
	// GIVEN a network stack exporting ${AWS::StackName}:X, and a service
	// stack importing ${NetworkStack}:X
	files := []string{"../testdata/stackname/network.json", "../testdata/stackname/service.json"}
	// WHEN both are checked together, THEN the service is judged whole, and the why says what was assumed
	s := check(t, files...).Templates[1].Services[0]
	if s.Verdict != pullpath.Private || !strings.Contains(s.Why, "assuming the parameter NetworkStack of ../testdata/stackname/service.json names the stack of ../testdata/stackname/network.json") {
		t.Errorf("%s (%s) %q", s.Verdict, s.Why, s.Unknowns)
	}
	// AND alone, the service stack is undecided
	if v := check(t, files[1]).Templates[0].Services[0].Verdict; v != pullpath.Undecided {
		t.Errorf("alone: %s", v)
	}
}

// opts are the options pullcheck uses, with stdin for "-".
func opts(stdin io.Reader) Options {
	return Options{Stdin: stdin, Readers: []pullpath.Reader{snapshot.NewReader(), terraform.NewPlanReader(), cloudformation.NewReader(nil), terraform.NewReader(terraform.Options{})}}
}
