package privatepull_test

import (
	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecspatterns"
	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/privatepull"
)

// The simplest use: one service in a VPC with isolated subnets. The VPC's
// endpoints are created with it.
func ExampleNewFargateService() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Api"), nil)
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
		NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{
			{Name: jsii.String("Isolated"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		},
	})
	repo := awsecr.Repository_FromRepositoryName(stack, jsii.String("Repo"), jsii.String("team/api"))
	privatepull.NewFargateService(stack, jsii.String("Service"), &privatepull.FargateServiceProps{
		Vpc:           vpc,
		Image:         awsecs.ContainerImage_FromEcrRepository(repo, jsii.String("v1.4.2")),
		ContainerPort: jsii.Number(8080),
	})
	app.Synth(nil)
}

// Many services share one endpoint set: the endpoint group admits one
// client group, which every service joins.
func ExampleNewEndpoints() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Services"), nil)
	vpc := awsec2.Vpc_FromLookup(stack, jsii.String("Vpc"), &awsec2.VpcLookupOptions{VpcId: jsii.String("vpc-0123456789abcdef0")})
	endpoints := privatepull.NewEndpoints(stack, jsii.String("Endpoints"), &privatepull.EndpointsProps{Vpc: vpc})
	for _, name := range []string{"api", "worker", "scheduler"} {
		repo := awsecr.Repository_FromRepositoryName(stack, jsii.String(name+"-repo"), jsii.String("team/"+name))
		privatepull.NewFargateService(stack, jsii.String(name), &privatepull.FargateServiceProps{
			Vpc:       vpc,
			Image:     awsecs.ContainerImage_FromEcrRepository(repo, jsii.String("v1")),
			Endpoints: endpoints,
		})
	}
	app.Synth(nil)
}

// Services you already have: one line makes every Fargate service of the
// app (here one built by ecs-patterns) pull privately. The VPC's endpoints
// are created at synth, once per VPC, reusing any the app already has.
func ExampleMakePrivate() {
	app := awscdk.NewApp(nil)
	stack := awscdk.NewStack(app, jsii.String("Web"), nil)
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
		NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{
			{Name: jsii.String("Isolated"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		},
	})
	repo := awsecr.Repository_FromRepositoryName(stack, jsii.String("Repo"), jsii.String("team/web"))
	awsecspatterns.NewApplicationLoadBalancedFargateService(stack, jsii.String("Web"), &awsecspatterns.ApplicationLoadBalancedFargateServiceProps{
		Vpc:                vpc,
		PublicLoadBalancer: jsii.Bool(false),
		TaskSubnets:        &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		MinHealthyPercent:  jsii.Number(100),
		TaskImageOptions: &awsecspatterns.ApplicationLoadBalancedTaskImageOptions{
			Image: awsecs.ContainerImage_FromEcrRepository(repo, jsii.String("v1")),
		},
	})

	privatepull.MakePrivate(app, nil)
	app.Synth(nil)
}

// Check stacks the library did not build: with the plugin registered, a
// broken pull path fails `cdk synth` (the recommended feature flag
// @aws-cdk/core:validateAgainstDefaultRules turns its errors into failures).
func ExampleNewPullPathPlugin() {
	app := awscdk.NewApp(nil)
	awscdk.Validations_Of(app).AddPlugins(privatepull.NewPullPathPlugin())
	// ... add your stacks ...
	app.Synth(nil)
}

// Check a template file, CDK-made or not.
func ExampleCheckTemplate() {
	findings, err := privatepull.CheckTemplate("cdk.out/MyStack.template.json")
	if err != nil {
		panic(err)
	}
	for _, f := range findings {
		println(f.RuleID, f.Resource, f.Message)
	}
}
