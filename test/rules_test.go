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
