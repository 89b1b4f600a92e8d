package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/privatepull"
	"github.com/privatepull/privatepull/constructs/pullapp"
)

// ruleIds lists the pull-path rules; each has a fixture that breaks it.
var ruleIds = []string{
	"ECR-API", "ECR-DKR", "PRIVATE-DNS", "S3-INTERFACE", "S3-GATEWAY", "S3-EGRESS",
	"ENDPOINT-EGRESS", "ENDPOINT-INGRESS", "VPC-DNS", "S3-POLICY", "ENDPOINT-POLICY",
	"LOGS-ENDPOINT", "SECRETS-ENDPOINT", "EXEC-ENDPOINT", "PUBLIC-IP", "EXECUTION-ROLE",
}

// checked holds CheckTemplate's answer per file: the rule and diagram tests
// read the same fixtures, and each is validated once.
var checked = map[string][]privatepull.Finding{}

// findingsOf returns CheckTemplate(file), failing the test on error.
func findingsOf(t *testing.T, file string) []privatepull.Finding {
	t.Helper()
	if f, ok := checked[file]; ok {
		return f
	}
	f, err := privatepull.CheckTemplate(file)
	if err != nil {
		t.Fatalf("CheckTemplate(%s): %v", file, err)
	}
	checked[file] = f
	return f
}

// ruleIdsOf returns the distinct rule ids of findings.
func ruleIdsOf(findings []privatepull.Finding) []string {
	var ids []string
	for _, f := range findings {
		if !slices.Contains(ids, f.RuleID) {
			ids = append(ids, f.RuleID)
		}
	}
	return ids
}

func TestRulesEachFixtureBreaksExactlyItsRule(t *testing.T) {
	for _, id := range ruleIds {
		file := filepath.Join("testdata", "rules", strings.ToLower(id)+".json")
		t.Run(id, func(t *testing.T) {
			findings := findingsOf(t, file)
			if got := ruleIdsOf(findings); !slices.Equal(got, []string{privatepull.RuleIdPrefix + id}) {
				t.Errorf("%s: got rules %v, want only %s%s", file, got, privatepull.RuleIdPrefix, id)
			}
			for _, f := range findings {
				if f.Severity != "error" || f.Resource == "" || len(f.Message) < 40 {
					t.Errorf("finding %+v: want severity error, a resource and a message that says what to fix", f)
				}
			}
		})
	}
}

func TestRulesPassOnCompletePaths(t *testing.T) {
	good, _ := filepath.Glob("testdata/rules/good*")
	if len(good) < 3 {
		t.Fatalf("only %d passing fixtures", len(good))
	}
	// the library's own scenarios pass too (the app's are checked at synth:
	// TestAppScenariosPassTheRulesAtSynth)
	golden, _ := filepath.Glob("testdata/*.template.json")
	golden = slices.DeleteFunc(golden, func(f string) bool { return strings.HasPrefix(filepath.Base(f), "app-") })
	for _, file := range append(good, golden...) {
		if findings := findingsOf(t, file); len(findings) > 0 {
			t.Errorf("%s: %+v", file, findings)
		}
	}
}

func TestRulesCatchTheSeedBug(t *testing.T) {
	findings := findingsOf(t, filepath.Join("testdata", "rules", "seed-bug.json"))
	if got := ruleIdsOf(findings); !slices.Equal(got, []string{"PRIVATEPULL-S3-EGRESS"}) {
		t.Errorf("got %v", got)
	}
	if !strings.Contains(findings[0].Message, "starport-layer-bucket") {
		t.Errorf("message %q does not name the error users see", findings[0].Message)
	}
}

func TestCheckTemplateErrors(t *testing.T) {
	dir := t.TempDir()
	broken := filepath.Join(dir, "broken.json")
	os.WriteFile(broken, []byte(`{"Resources": {`), 0o644)
	brokenYaml := filepath.Join(dir, "broken.yaml")
	os.WriteFile(brokenYaml, []byte("Resources:\n  A: [\n"), 0o644)
	for _, file := range []string{filepath.Join(dir, "missing.json"), broken, brokenYaml} {
		if _, err := privatepull.CheckTemplate(file); err == nil {
			t.Errorf("%s: no error", file)
		}
	}
}

// seedStack is the hand-written L2 version from the AWS docs: endpoints and a
// gateway are there, but the task group's egress reaches only the endpoints.
func seedStack(app awscdk.App) awscdk.Stack {
	stack := awscdk.NewStack(app, jsii.String("Seed"), nil)
	vpc := isolatedVpc(stack)
	vpc.AddGatewayEndpoint(jsii.String("S3"), &awsec2.GatewayVpcEndpointOptions{Service: awsec2.GatewayVpcEndpointAwsService_S3()})
	epGroup := awsec2.NewSecurityGroup(stack, jsii.String("EndpointGroup"), &awsec2.SecurityGroupProps{Vpc: vpc})
	taskGroup := awsec2.NewSecurityGroup(stack, jsii.String("TaskGroup"), &awsec2.SecurityGroupProps{Vpc: vpc, AllowAllOutbound: jsii.Bool(false)})
	for id, svc := range map[string]awsec2.InterfaceVpcEndpointAwsService{
		"EcrApi": awsec2.InterfaceVpcEndpointAwsService_ECR(), "EcrDkr": awsec2.InterfaceVpcEndpointAwsService_ECR_DOCKER(),
		"Logs": awsec2.InterfaceVpcEndpointAwsService_CLOUDWATCH_LOGS(),
	} {
		vpc.AddInterfaceEndpoint(jsii.String(id), &awsec2.InterfaceVpcEndpointOptions{Service: svc, SecurityGroups: &[]awsec2.ISecurityGroup{epGroup}, Open: jsii.Bool(false)})
	}
	taskGroup.Connections().AllowTo(epGroup, awsec2.Port_Tcp(jsii.Number(443)), nil)
	task := awsecs.NewFargateTaskDefinition(stack, jsii.String("Task"), nil)
	task.AddContainer(jsii.String("App"), &awsecs.ContainerDefinitionOptions{
		Image:   awsecs.ContainerImage_FromEcrRepository(awsecr.Repository_FromRepositoryName(stack, jsii.String("Repo"), jsii.String("team/app")), nil),
		Logging: awsecs.LogDriver_AwsLogs(&awsecs.AwsLogDriverProps{StreamPrefix: jsii.String("app")}),
	})
	awsecs.NewFargateService(stack, jsii.String("Service"), &awsecs.FargateServiceProps{
		Cluster: awsecs.NewCluster(stack, jsii.String("Cluster"), &awsecs.ClusterProps{Vpc: vpc}), TaskDefinition: task,
		SecurityGroups: &[]awsec2.ISecurityGroup{taskGroup}, MinHealthyPercent: jsii.Number(100),
	})
	return stack
}

func TestRulesFailSynthOfAHandWrittenStackWithTheSeedBug(t *testing.T) {
	// GIVEN an app with the pull-path plugin that fails synth itself on errors
	app := newApp(map[string]any{"@aws-cdk/core:failSynthOnValidationErrors": true}, false)
	awscdk.Validations_Of(app).AddPlugins(privatepull.SharedPullPathPlugin())
	seedStack(app)
	// WHEN it synthesizes, THEN synth fails, and the report names the rule and the service
	if err := catch(func() { app.Synth(nil) }); err == nil || !strings.Contains(err.Error(), "Validation failed") {
		t.Errorf("synth: got %v, want a validation failure", err)
	}
	raw, err := os.ReadFile(filepath.Join(*app.Outdir(), "validation-report.json"))
	if err != nil || !strings.Contains(string(raw), "PRIVATEPULL-S3-EGRESS") || !strings.Contains(string(raw), "Seed/Service/Service") {
		t.Errorf("report: %v\n%.2000s", err, raw)
	}
}

func TestRulesReportTheSeedBugToTheCLI(t *testing.T) {
	// GIVEN an app as the CLI runs it (the CLI reads the report and fails)
	app := newApp(nil, false)
	awscdk.Validations_Of(app).AddPlugins(privatepull.SharedPullPathPlugin())
	seedStack(app)
	out := app.Synth(nil).Directory()
	raw, err := os.ReadFile(filepath.Join(*out, "validation-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var report struct {
		Success bool
	}
	json.Unmarshal(raw, &report)
	if report.Success || !strings.Contains(string(raw), "PRIVATEPULL-S3-EGRESS") {
		t.Errorf("validation report: success=%v, want false with PRIVATEPULL-S3-EGRESS:\n%.2000s", report.Success, raw)
	}
}

func TestAppScenariosPassTheRulesAtSynth(t *testing.T) {
	for name := range appScenarios {
		// the app registers the rules (TestAppRegistersTheRules): its synth
		// wrote their report, which lists only failing plugins
		s := appScenario(t, name)
		raw, err := os.ReadFile(filepath.Join(*awscdk.Stage_Of(s.stack).Outdir(), "validation-report.json"))
		if err != nil {
			t.Fatalf("app/%s: %v", name, err)
		}
		if strings.Contains(string(raw), privatepull.RuleIdPrefix) {
			t.Errorf("app/%s: the rules found something:\n%.3000s", name, raw)
		}
	}
}

func TestAppRegistersTheRules(t *testing.T) {
	// GIVEN the app, and a broken hand-written stack beside it
	app := newApp(map[string]any{"nag": false}, false)
	if _, err := pullapp.Build(app); err != nil {
		t.Fatal(err)
	}
	seedStack(app)
	// WHEN it synthesizes, THEN the rules report the broken stack only
	out := app.Synth(nil).Directory()
	raw, err := os.ReadFile(filepath.Join(*out, "validation-report.json"))
	if err != nil || !strings.Contains(string(raw), "PRIVATEPULL-S3-EGRESS") || strings.Contains(string(raw), "PrivatePull/") {
		t.Errorf("report: %v\n%.3000s", err, raw)
	}
}
