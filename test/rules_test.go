package test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/privatepull"
	"github.com/privatepull/privatepull/constructs/pullapp"
	"github.com/privatepull/privatepull/constructs/pullpath"
)

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
	awscdk.Validations_Of(app).AddPlugins(privatepull.NewPullPathPlugin())
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
	awscdk.Validations_Of(app).AddPlugins(privatepull.NewPullPathPlugin())
	seedStack(app)
	ok, raw := reportOf(t, *app.Synth(nil).Directory())
	if ok || !strings.Contains(raw, "PRIVATEPULL-S3-EGRESS") {
		t.Errorf("validation report: success=%v, want a failure with PRIVATEPULL-S3-EGRESS:\n%.2000s", ok, raw)
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

// reportOf reads the validation report of an app's synth.
func reportOf(t *testing.T, out string) (success bool, raw string) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(out, "validation-report.json"))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		PluginReports []struct{ Conclusion string }
	}
	if err := json.Unmarshal(b, &r); err != nil {
		t.Fatal(err)
	}
	for _, p := range r.PluginReports {
		if p.Conclusion != "success" {
			return false, string(b)
		}
	}
	return true, string(b)
}

func TestPluginFindingsCanBeAcknowledgedUnderItsName(t *testing.T) {
	// GIVEN the seed stack whose service acknowledges the S3 egress finding
	app := newApp(nil, false)
	awscdk.Validations_Of(app).AddPlugins(privatepull.NewPullPathPlugin())
	stack := seedStack(app)
	awscdk.Validations_Of(stack.Node().FindChild(jsii.String("Service"))).Acknowledge(&awscdk.Acknowledgment{
		Id: jsii.String("privatepull::PRIVATEPULL-S3-EGRESS"), Reason: jsii.String("a test"),
	})
	// WHEN it synthesizes
	out := *app.Synth(nil).Directory()
	// THEN synth succeeds, and pullcheck on the assembly reports the finding as acknowledged
	if ok, raw := reportOf(t, out); !ok {
		t.Errorf("acknowledged finding still fails synth:\n%.2000s", raw)
	}
	report, err := checkPaths(out)
	if err != nil {
		t.Fatal(err)
	}
	fs := report.Findings()
	if len(fs) != 1 || fs[0].Rule != "PRIVATEPULL-S3-EGRESS" || !fs[0].Acknowledged || fs[0].Reason != "a test" || report.Failed(false) {
		man, _ := os.ReadFile(filepath.Join(out, "manifest.json"))
		t.Errorf("findings %+v; manifest has acknowledged-rules: %v, logicalId: %v", fs, strings.Contains(string(man), "acknowledged-rules"), strings.Contains(string(man), "aws:cdk:logicalId"))
	}
}

// splitStacks puts the endpoints in one stack and the service in another.
func splitStacks(app awscdk.App) awscdk.Stack {
	network := awscdk.NewStack(app, jsii.String("Network"), nil)
	vpc := isolatedVpc(network)
	eps := privatepull.NewEndpoints(network, jsii.String("Endpoints"), &privatepull.EndpointsProps{Vpc: vpc, S3PrefixListId: jsii.String("pl-6da54004")})
	svc := awscdk.NewStack(app, jsii.String("Svc"), nil)
	privatepull.NewFargateService(svc, jsii.String("Api"), &privatepull.FargateServiceProps{
		Vpc: vpc, Endpoints: eps,
		Image: awsecs.ContainerImage_FromEcrRepository(awsecr.Repository_FromRepositoryName(svc, jsii.String("Repo"), jsii.String("team/api")), jsii.String("v1")),
	})
	return svc
}

func TestPluginJudgesAServiceOnItsWholePathAcrossStacks(t *testing.T) {
	// GIVEN endpoints in one stack, the service in another, and the plugin requiring private
	app := newApp(nil, false)
	awscdk.Validations_Of(app).AddPlugins(privatepull.NewPullPathPlugin(privatepull.RequirePrivate()))
	splitStacks(app)
	// WHEN it synthesizes, THEN the service is private: the imports resolve to the other stack
	out := *app.Synth(nil).Directory()
	if ok, raw := reportOf(t, out); !ok {
		t.Errorf("the split app fails synth:\n%.3000s", raw)
	}
	report, err := checkPaths(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, tpl := range report.Templates {
		for _, s := range tpl.Services {
			if s.Verdict != pullpath.Private {
				t.Errorf("%s %s: %s (%s) %q", tpl.Stack, s.ID, s.Verdict, s.Why, s.Unknowns)
			}
		}
	}
	// and the service's stack alone is undecided: its endpoints are outside the set
	alone, _ := checkPaths(filepath.Join(out, "Svc.template.json"))
	if v := alone.Templates[0].Services[0].Verdict; v != pullpath.Undecided {
		t.Errorf("the service's template alone: %s, want undecided", v)
	}
}

func TestRequirePrivateFailsSynthOnAServiceThatIsNotPrivate(t *testing.T) {
	// GIVEN a service whose VPC is looked up (its DNS and routes are not in the template)
	app := newApp(nil, false)
	awscdk.Validations_Of(app).AddPlugins(privatepull.NewPullPathPlugin(privatepull.RequirePrivate()))
	splitStacks(app)
	stack := awscdk.NewStack(app, jsii.String("Looked"), &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String("123456789012"), Region: jsii.String("eu-west-1")}})
	vpc := awsec2.Vpc_FromVpcAttributes(stack, jsii.String("Vpc"), &awsec2.VpcAttributes{
		VpcId: jsii.String("vpc-0123456789abcdef0"), AvailabilityZones: jsii.Strings("eu-west-1a"),
		IsolatedSubnetIds: jsii.Strings("subnet-0123456789abcdef0"), IsolatedSubnetRouteTableIds: jsii.Strings("rtb-0123456789abcdef0"),
	})
	privatepull.NewFargateService(stack, jsii.String("Api"), &privatepull.FargateServiceProps{
		Vpc: vpc, Endpoints: privatepull.NewEndpoints(stack, jsii.String("Endpoints"), &privatepull.EndpointsProps{Vpc: vpc, S3PrefixListId: jsii.String("pl-6da54004")}),
		Image: awsecs.ContainerImage_FromEcrRepository(awsecr.Repository_FromRepositoryName(stack, jsii.String("Repo"), jsii.String("team/api")), jsii.String("v1")),
	})
	// WHEN it synthesizes, THEN the report fails on that service only
	ok, raw := reportOf(t, *app.Synth(nil).Directory())
	if ok || !strings.Contains(raw, "PRIVATEPULL-REQUIRE-PRIVATE") || !strings.Contains(raw, "undecided") || strings.Contains(raw, "Svc/Api") {
		t.Errorf("success=%v:\n%.3000s", ok, raw)
	}
}
