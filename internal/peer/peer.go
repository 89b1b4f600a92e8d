// Package peer builds the stacks privatepull's synth benchmarks compare: the
// "peer" a user would write by hand with plain CDK L2 constructs instead of
// the library, and a library stack with N services sharing one endpoint set.
// test/bench_test.go and cmd/peer both use it, so the benchmarks and the
// whole-process figures of .ci/bench measure the same trees.
package peer

import (
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/privatepull"
)

// S3PrefixListId is the S3 managed prefix list id the peer writes literally
// (com.amazonaws.us-east-1.s3), as a user copying it from the console would.
const S3PrefixListId = "pl-63a5400a"

// isolatedVpc is the default app's VPC: two isolated /24 subnets in two AZs,
// no NAT, flow logs on.
func isolatedVpc(stack awscdk.Stack) awsec2.Vpc {
	return awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
		MaxAzs:      jsii.Number(2),
		NatGateways: jsii.Number(0),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{
			Name:       jsii.String("Isolated"),
			SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED,
			CidrMask:   jsii.Number(24),
		}},
		FlowLogs: &map[string]*awsec2.FlowLogOptions{"FlowLogs": {}},
	})
}

// NewStack adds the hand-written peer of the default app to scope: an
// isolated VPC, an S3 gateway endpoint, ecr.api/ecr.dkr/logs interface
// endpoints with private DNS behind one security group, and a Fargate service
// whose group may send tcp/443 only to that group and to the S3 prefix list.
// No cdk-nag, no custom rules, no prefix-list lookup.
func NewStack(scope constructs.Construct, id string) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), nil)
	vpc := isolatedVpc(stack)
	isolated := &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}

	vpc.AddGatewayEndpoint(jsii.String("S3"), &awsec2.GatewayVpcEndpointOptions{
		Service: awsec2.GatewayVpcEndpointAwsService_S3(),
		Subnets: &[]*awsec2.SubnetSelection{isolated},
	})
	endpointGroup := awsec2.NewSecurityGroup(stack, jsii.String("EndpointSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              vpc,
		AllowAllOutbound: jsii.Bool(false),
	})
	for _, ep := range []struct {
		id      string
		service awsec2.InterfaceVpcEndpointAwsService
	}{
		{"EcrApi", awsec2.InterfaceVpcEndpointAwsService_ECR()},
		{"EcrDkr", awsec2.InterfaceVpcEndpointAwsService_ECR_DOCKER()},
		{"Logs", awsec2.InterfaceVpcEndpointAwsService_CLOUDWATCH_LOGS()},
	} {
		vpc.AddInterfaceEndpoint(jsii.String(ep.id), &awsec2.InterfaceVpcEndpointOptions{
			Service:           ep.service,
			Subnets:           isolated,
			PrivateDnsEnabled: jsii.Bool(true),
			Open:              jsii.Bool(false),
			SecurityGroups:    &[]awsec2.ISecurityGroup{endpointGroup},
		})
	}

	https := awsec2.Port_Tcp(jsii.Number(443))
	taskGroup := awsec2.NewSecurityGroup(stack, jsii.String("TaskSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              vpc,
		AllowAllOutbound: jsii.Bool(false),
	})
	// egress on the task group and the matching ingress on the endpoint group
	taskGroup.Connections().AllowTo(endpointGroup, https, jsii.String("to the interface endpoints"))
	taskGroup.AddEgressRule(awsec2.Peer_PrefixList(jsii.String(S3PrefixListId)), https, jsii.String("to S3 (image layers)"), nil)

	cluster := awsecs.NewCluster(stack, jsii.String("Cluster"), &awsecs.ClusterProps{
		Vpc:                 vpc,
		ContainerInsightsV2: awsecs.ContainerInsights_ENABLED,
	})
	taskDef := awsecs.NewFargateTaskDefinition(stack, jsii.String("TaskDefinition"), &awsecs.FargateTaskDefinitionProps{
		Cpu:            jsii.Number(256),
		MemoryLimitMiB: jsii.Number(512),
	})
	repo := awsecr.Repository_FromRepositoryName(stack, jsii.String("Repository"), jsii.String("team/app"))
	taskDef.AddContainer(jsii.String("App"), &awsecs.ContainerDefinitionOptions{
		Image:                  awsecs.ContainerImage_FromEcrRepository(repo, jsii.String("latest")),
		Logging:                awsecs.LogDriver_AwsLogs(&awsecs.AwsLogDriverProps{StreamPrefix: jsii.String("app")}),
		PortMappings:           &[]*awsecs.PortMapping{{ContainerPort: jsii.Number(8080)}},
		ReadonlyRootFilesystem: jsii.Bool(true),
	})
	awsecs.NewFargateService(stack, jsii.String("Service"), &awsecs.FargateServiceProps{
		Cluster:        cluster,
		TaskDefinition: taskDef,
		DesiredCount:   jsii.Number(1),
		AssignPublicIp: jsii.Bool(false),
		VpcSubnets:     isolated,
		SecurityGroups: &[]awsec2.ISecurityGroup{taskGroup},
	})
	return stack
}

// NewServicesStack adds to scope a library stack: an isolated VPC, one
// privatepull.NewEndpoints with the library's defaults, and n
// privatepull.NewFargateService ("Svc1".."SvcN") sharing it, each with an
// image from its own existing ECR repository team/svcI.
func NewServicesStack(scope constructs.Construct, id string, n int) awscdk.Stack {
	stack := awscdk.NewStack(scope, jsii.String(id), nil)
	vpc := isolatedVpc(stack)
	eps := privatepull.NewEndpoints(stack, jsii.String("Endpoints"), &privatepull.EndpointsProps{Vpc: vpc})
	for i := 1; i <= n; i++ {
		name := "Svc" + strconv.Itoa(i)
		repo := awsecr.Repository_FromRepositoryName(stack, jsii.String(name+"Repository"), jsii.String("team/svc"+strconv.Itoa(i)))
		privatepull.NewFargateService(stack, jsii.String(name), &privatepull.FargateServiceProps{
			Vpc:       vpc,
			Image:     awsecs.ContainerImage_FromEcrRepository(repo, jsii.String("v1")),
			Endpoints: eps,
		})
	}
	return stack
}
