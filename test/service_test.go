package test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/privatepull"
)

func TestServiceTaskDefinitionDefaults(t *testing.T) {
	s := appScenario(t, "repository")
	logs := s.logicalIdOf(t, "PrivatePull/Service/Logs/Resource")
	check(t, "task definition", func() {
		s.template.HasResourceProperties(jsii.String("AWS::ECS::TaskDefinition"), map[string]any{
			"Cpu": "256", "Memory": "512", "NetworkMode": "awsvpc", "RequiresCompatibilities": []any{"FARGATE"},
			"ContainerDefinitions": []any{map[string]any{
				"Name":                   "App",
				"Essential":              true,
				"ReadonlyRootFilesystem": true,
				"PortMappings":           []any{map[string]any{"ContainerPort": 8080, "Protocol": "tcp"}},
				"LogConfiguration": map[string]any{"LogDriver": "awslogs", "Options": map[string]any{
					"awslogs-group": ref(logs), "awslogs-stream-prefix": "app", "awslogs-region": ref("AWS::Region")}},
			}},
		})
	})
	check(t, "log retention", func() {
		s.template.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{"RetentionInDays": 30})
	})
	check(t, "container insights", func() {
		s.template.HasResourceProperties(jsii.String("AWS::ECS::Cluster"), map[string]any{
			"ClusterSettings": []any{map[string]any{"Name": "containerInsights", "Value": "enabled"}}})
	})
}

func TestServiceNetworkAndDeployment(t *testing.T) {
	s := appScenario(t, "default")
	own := s.logicalIdOf(t, "PrivatePull/Service/SecurityGroup/Resource")
	_, client := endpointGroups(t, s)
	id, svc := s.only(t, "AWS::ECS::Service")
	check(t, "service", func() {
		s.template.HasResourceProperties(jsii.String("AWS::ECS::Service"), map[string]any{
			"LaunchType": "FARGATE",
			"NetworkConfiguration": map[string]any{"AwsvpcConfiguration": map[string]any{
				"AssignPublicIp": "DISABLED",
				"SecurityGroups": []any{groupId(own), groupId(client)},
				"Subnets": []any{ref(s.logicalIdOf(t, "PrivatePull/Vpc/IsolatedSubnet1/Subnet")),
					ref(s.logicalIdOf(t, "PrivatePull/Vpc/IsolatedSubnet2/Subnet"))},
			}},
			"DeploymentConfiguration": map[string]any{
				"DeploymentCircuitBreaker": map[string]any{"Enable": true, "Rollback": true},
				"MinimumHealthyPercent":    100,
			},
			"DesiredCount": 1,
		})
	})
	// the service waits for every endpoint and rule of the path
	deps, _ := svc["DependsOn"].([]any)
	for _, path := range []string{"EcrApi/Resource", "EcrDkr/Resource", "Logs/Resource", "S3/Resource", "S3PrefixList/Resource/Default"} {
		if want := s.logicalIdOf(t, "PrivatePull/Endpoints/"+path); !slices.Contains(deps, any(want)) {
			t.Errorf("service %s does not depend on %s", id, want)
		}
	}
	// the task's own group has no egress of its own and admits nothing
	check(t, "task group", func() {
		s.template.HasResource(jsii.String("AWS::EC2::SecurityGroup"), map[string]any{
			"Metadata": map[string]any{"aws:cdk:path": "PrivatePull/Service/SecurityGroup/Resource"},
			"Properties": map[string]any{
				"SecurityGroupEgress":  []any{map[string]any{"CidrIp": "255.255.255.255/32", "Description": "Disallow all traffic", "FromPort": 252, "IpProtocol": "icmp", "ToPort": 86}},
				"SecurityGroupIngress": assertions.Match_Absent(),
			},
		})
	})
}

func TestServiceExecutionRoleMayPullOnlyItsRepository(t *testing.T) {
	s := appScenario(t, "repository")
	logs := s.logicalIdOf(t, "PrivatePull/Service/Logs/Resource")
	check(t, "execution policy", func() {
		s.template.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
			"PolicyName": assertions.Match_StringLikeRegexp(jsii.String("ExecutionRoleDefaultPolicy")),
			"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
				map[string]any{"Effect": "Allow",
					"Action": []any{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
					"Resource": map[string]any{"Fn::Join": []any{"", []any{"arn:", ref("AWS::Partition"), ":ecr:", ref("AWS::Region"), ":",
						ref("AWS::AccountId"), ":repository/team/app"}}}},
				map[string]any{"Effect": "Allow", "Action": "ecr:GetAuthorizationToken", "Resource": "*"},
				map[string]any{"Effect": "Allow", "Action": []any{"logs:CreateLogStream", "logs:PutLogEvents"},
					"Resource": map[string]any{"Fn::GetAtt": []any{logs, "Arn"}}},
			}},
		})
	})
}

func TestSharedEndpointsStayConstantAsServicesJoin(t *testing.T) {
	// GIVEN 2 and 30 services in one VPC, none given Endpoints
	small, large := sharedScenario(t, 2), sharedScenario(t, 30)
	for _, c := range []struct {
		typ  string
		want int
	}{
		{"AWS::EC2::VPCEndpoint", 4},          // one set per VPC
		{"AWS::EC2::SecurityGroupIngress", 1}, // endpoint group <- client group
		{"AWS::EC2::SecurityGroupEgress", 2},  // client group -> endpoint group, S3 prefix list
		{"Custom::AWS", 1},                    // one prefix-list lookup
	} {
		for name, s := range map[string]*synthesized{"2": small, "30": large} {
			if got := len(s.resources(c.typ)); got != c.want {
				t.Errorf("%s services: %d %s, want %d", name, got, c.typ, c.want)
			}
		}
	}
	// AND every service joins the one client group
	client := large.logicalIdOf(t, "Lib/PrivatePullEndpointsVpc/ClientSecurityGroup/Resource")
	for id, svc := range large.resources("AWS::ECS::Service") {
		groups := props(svc)["NetworkConfiguration"].(map[string]any)["AwsvpcConfiguration"].(map[string]any)["SecurityGroups"]
		if !strings.Contains(asJSON(groups), asJSON(groupId(client))) {
			t.Errorf("service %s is not in the client group %s: %s", id, client, asJSON(groups))
		}
	}
	if n := len(large.json["Resources"].(map[string]any)); n > 500 {
		t.Errorf("30 services make %d resources, over CloudFormation's 500", n)
	}
}

func TestServiceGetters(t *testing.T) {
	stack := libStack()
	vpc := isolatedVpc(stack)
	eps := privatepull.NewEndpoints(stack, jsii.String("Endpoints"), &privatepull.EndpointsProps{Vpc: vpc, S3PrefixListId: jsii.String("pl-63a5400a")})
	svc := privatepull.NewFargateService(stack, jsii.String("Svc"), &privatepull.FargateServiceProps{
		Vpc: vpc, Image: repoImage(stack, "Svc"), Endpoints: eps,
		Cpu: jsii.Number(1024), MemoryLimitMiB: jsii.Number(3072), DesiredCount: jsii.Number(3),
		Environment: &map[string]*string{"MODE": jsii.String("test")}, Command: jsii.Strings("serve"),
		WritableRootFilesystem: jsii.Bool(true),
		LogKey:                 awskms.NewKey(stack, jsii.String("LogKey"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)}),
	})
	if svc.Endpoints() != eps {
		t.Error("Endpoints() is not the set given")
	}
	if *svc.Service().Node().Path() != "Lib/Svc/Service" || *svc.TaskDefinition().Node().Path() != "Lib/Svc/TaskDefinition" ||
		*svc.SecurityGroup().Node().Path() != "Lib/Svc/SecurityGroup" || *svc.Container().ContainerName() != "App" {
		t.Error("getters return the wrong constructs")
	}
	if *eps.S3PrefixListId() != "pl-63a5400a" || eps.EcrApi() == nil || eps.EcrDkr() == nil || eps.Logs() == nil || eps.S3() == nil {
		t.Error("endpoint getters")
	}
	tpl := assertions.Template_FromStack(stack, nil)
	check(t, "props reach the task", func() {
		tpl.HasResourceProperties(jsii.String("AWS::ECS::TaskDefinition"), map[string]any{
			"Cpu": "1024", "Memory": "3072",
			"ContainerDefinitions": []any{map[string]any{
				"Environment": []any{map[string]any{"Name": "MODE", "Value": "test"}}, "Command": []any{"serve"},
				"ReadonlyRootFilesystem": false,
			}},
		})
		tpl.HasResourceProperties(jsii.String("AWS::ECS::Service"), map[string]any{"DesiredCount": 3})
		tpl.HasResourceProperties(jsii.String("AWS::Logs::LogGroup"), map[string]any{
			"KmsKeyId": map[string]any{"Fn::GetAtt": []any{"LogKeyE83D0C1B", "Arn"}}, "RetentionInDays": 30})
	})
}

// newVpcWithPrivateAndIsolated is a VPC with isolated and private (NAT) subnets.
func newVpcWithPrivateAndIsolated(stack awscdk.Stack) awsec2.Vpc {
	return awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{
		MaxAzs: jsii.Number(2), NatGateways: jsii.Number(1),
		SubnetConfiguration: &[]*awsec2.SubnetConfiguration{
			{Name: jsii.String("Public"), SubnetType: awsec2.SubnetType_PUBLIC},
			{Name: jsii.String("Private"), SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
			{Name: jsii.String("Isolated"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
		},
	})
}

func TestBadProps(t *testing.T) {
	type env struct {
		stack awscdk.Stack
		vpc   awsec2.Vpc
		image awsecs.ContainerImage
	}
	setup := func() env {
		stack := awscdk.NewStack(newApp(nil, false), jsii.String("Bad"), nil)
		return env{stack, isolatedVpc(stack), repoImage(stack, "Bad")}
	}
	service := func(e env, p privatepull.FargateServiceProps) {
		if p.Vpc == nil {
			p.Vpc = e.vpc
		}
		if p.Image == nil {
			p.Image = e.image
		}
		privatepull.NewFargateService(e.stack, jsii.String("Svc"), &p)
	}
	cases := []struct {
		name string
		f    func(env)
		want []string
	}{
		{"fails when service props are nil", func(e env) { privatepull.NewFargateService(e.stack, jsii.String("S"), nil) },
			[]string{"FargateServiceProps.Vpc", "got nothing"}},
		{"fails when the VPC is nil", func(e env) {
			privatepull.NewFargateService(e.stack, jsii.String("S"), &privatepull.FargateServiceProps{Image: e.image})
		}, []string{"FargateServiceProps.Vpc"}},
		{"fails when the image is nil", func(e env) {
			privatepull.NewFargateService(e.stack, jsii.String("S"), &privatepull.FargateServiceProps{Vpc: e.vpc})
		}, []string{"FargateServiceProps.Image", "private ECR"}},
		{"fails when the image is in a public registry", func(e env) {
			service(e, privatepull.FargateServiceProps{Image: awsecs.ContainerImage_FromRegistry(jsii.String("nginx:latest"), nil)})
		}, []string{"FargateServiceProps.Image", `got nginx:latest`, "private ECR"}},
		{"fails when cpu is not a Fargate size", func(e env) { service(e, privatepull.FargateServiceProps{Cpu: jsii.Number(300)}) },
			[]string{"FargateServiceProps.Cpu", "got 300", "256, 512"}},
		{"fails when memory does not pair with cpu", func(e env) {
			service(e, privatepull.FargateServiceProps{Cpu: jsii.Number(4096), MemoryLimitMiB: jsii.Number(4096)})
		}, []string{"FargateServiceProps.MemoryLimitMiB", "got 4096 with Cpu 4096", "8192 to 30720 MiB in steps of 1024"}},
		{"fails when memory is 1536 with cpu 256", func(e env) { service(e, privatepull.FargateServiceProps{MemoryLimitMiB: jsii.Number(1536)}) },
			[]string{"MemoryLimitMiB", "got 1536 with Cpu 256"}},
		{"fails when the desired count is negative", func(e env) { service(e, privatepull.FargateServiceProps{DesiredCount: jsii.Number(-1)}) },
			[]string{"DesiredCount", "got -1"}},
		{"fails when the port is 0", func(e env) { service(e, privatepull.FargateServiceProps{ContainerPort: jsii.Number(0)}) },
			[]string{"ContainerPort", "got 0", "1 to 65535"}},
		{"fails when the port is over 65535", func(e env) { service(e, privatepull.FargateServiceProps{ContainerPort: jsii.Number(70000)}) },
			[]string{"ContainerPort", "got 70000"}},
		{"fails when the endpoints serve another VPC", func(e env) {
			other := awsec2.NewVpc(e.stack, jsii.String("Other"), &awsec2.VpcProps{MaxAzs: jsii.Number(1), NatGateways: jsii.Number(0),
				SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{Name: jsii.String("I"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}}})
			eps := privatepull.NewEndpoints(e.stack, jsii.String("E"), &privatepull.EndpointsProps{Vpc: other, S3PrefixListId: jsii.String("pl-63a5400a")})
			service(e, privatepull.FargateServiceProps{Endpoints: eps})
		}, []string{"FargateServiceProps.Endpoints", "Bad/Other", "Bad/Vpc"}},
		{"fails when task subnets are not on the S3 gateway's route tables", func(e env) {
			stack := awscdk.NewStack(newApp(nil, false), jsii.String("Mixed"), nil)
			vpc := newVpcWithPrivateAndIsolated(stack)
			privatepull.NewFargateService(stack, jsii.String("Svc"), &privatepull.FargateServiceProps{
				Vpc: vpc, Image: repoImage(stack, "Svc"),
				TaskSubnets: &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS},
			})
		}, []string{"FargateServiceProps.TaskSubnets", "Mixed/Vpc/PrivateSubnet1", "route tables carry the S3 gateway endpoint"}},
		{"fails when task subnets name a group the VPC lacks", func(e env) {
			service(e, privatepull.FargateServiceProps{TaskSubnets: &awsec2.SubnetSelection{SubnetGroupName: jsii.String("Nope")}})
		}, []string{"FargateServiceProps.TaskSubnets", "Nope"}},
		{"fails when endpoint props are nil", func(e env) { privatepull.NewEndpoints(e.stack, jsii.String("E"), nil) },
			[]string{"EndpointsProps.Vpc"}},
		{"fails when the VPC has only public subnets", func(e env) {
			vpc := awsec2.NewVpc(e.stack, jsii.String("Public"), &awsec2.VpcProps{MaxAzs: jsii.Number(1),
				SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{Name: jsii.String("P"), SubnetType: awsec2.SubnetType_PUBLIC}}})
			privatepull.NewEndpoints(e.stack, jsii.String("E"), &privatepull.EndpointsProps{Vpc: vpc})
		}, []string{"EndpointsProps.Vpc", "no isolated or private subnets"}},
		{"fails when the prefix list id is malformed", func(e env) {
			privatepull.NewEndpoints(e.stack, jsii.String("E"), &privatepull.EndpointsProps{Vpc: e.vpc, S3PrefixListId: jsii.String("com.amazonaws.eu-west-1.s3")})
		}, []string{"EndpointsProps.S3PrefixListId", `got "com.amazonaws.eu-west-1.s3"`, "pl-"}},
		{"fails when endpoint subnets select nothing", func(e env) {
			privatepull.NewEndpoints(e.stack, jsii.String("E"), &privatepull.EndpointsProps{Vpc: e.vpc,
				Subnets: &awsec2.SubnetSelection{AvailabilityZones: jsii.Strings("nowhere-1z")}})
		}, []string{"EndpointsProps.Subnets", "no subnets"}},
		{"fails when a sidecar has no name", func(e env) {
			service(e, privatepull.FargateServiceProps{Sidecars: &[]*privatepull.SidecarProps{{Image: e.image}}})
		}, []string{"FargateServiceProps.Sidecars[0].Name", "got nothing"}},
		{"fails when a sidecar is called App", func(e env) {
			service(e, privatepull.FargateServiceProps{Sidecars: &[]*privatepull.SidecarProps{{Name: jsii.String("App"), Image: e.image}}})
		}, []string{"Sidecars[0].Name", `got "App"`, "no other container"}},
		{"fails when a sidecar has no image", func(e env) {
			service(e, privatepull.FargateServiceProps{Sidecars: &[]*privatepull.SidecarProps{{Name: jsii.String("Log")}}})
		}, []string{"Sidecars[0].Image"}},
		{"fails when a sidecar is in a public registry", func(e env) {
			service(e, privatepull.FargateServiceProps{Sidecars: &[]*privatepull.SidecarProps{{Name: jsii.String("Log"),
				Image: awsecs.ContainerImage_FromRegistry(jsii.String("public.ecr.aws/aws-observability/aws-for-fluent-bit:stable"), nil)}}})
		}, []string{"FargateServiceProps.Image", "public.ecr.aws/aws-observability"}},
		{"fails when an exec key comes without exec", func(e env) {
			service(e, privatepull.FargateServiceProps{ExecKey: awskms.NewKey(e.stack, jsii.String("K"), nil)})
		}, []string{"FargateServiceProps.ExecKey", "EnableExecuteCommand true"}},
		{"fails when an exec key comes with a cluster of the user's", func(e env) {
			service(e, privatepull.FargateServiceProps{ExecKey: awskms.NewKey(e.stack, jsii.String("K"), nil), EnableExecuteCommand: jsii.Bool(true),
				Cluster: awsecs.NewCluster(e.stack, jsii.String("C"), &awsecs.ClusterProps{Vpc: e.vpc})})
		}, []string{"FargateServiceProps.ExecKey", "ExecuteCommandConfiguration"}},
		{"fails when a secret is in another region", func(e env) {
			stack := awscdk.NewStack(newApp(nil, false), jsii.String("Env"), &awscdk.StackProps{Env: &awscdk.Environment{Account: jsii.String(testAccount), Region: jsii.String(testRegion)}})
			vpc := isolatedVpc(stack)
			secret := awssecretsmanager.Secret_FromSecretCompleteArn(stack, jsii.String("S"), jsii.String("arn:aws:secretsmanager:us-east-1:"+testAccount+":secret:db-AbCdEf"))
			privatepull.NewFargateService(stack, jsii.String("Svc"), &privatepull.FargateServiceProps{Vpc: vpc, Image: repoImage(stack, "Svc"),
				Secrets: &map[string]awsecs.Secret{"DB": awsecs.Secret_FromSecretsManager(secret, nil)}})
		}, []string{"FargateServiceProps.Secrets[DB]", "us-east-1", "the stack's region eu-west-1"}},
		{"fails when the load balancer has no container port", func(e env) {
			service(e, privatepull.FargateServiceProps{LoadBalancer: &privatepull.LoadBalancerProps{}})
		}, []string{"FargateServiceProps.ContainerPort", "the port the load balancer sends traffic to"}},
		{"fails when the load balancer is in public subnets", func(e env) {
			stack := awscdk.NewStack(newApp(nil, false), jsii.String("Mixed"), nil)
			vpc := newVpcWithPrivateAndIsolated(stack)
			privatepull.NewFargateService(stack, jsii.String("Svc"), &privatepull.FargateServiceProps{Vpc: vpc, Image: repoImage(stack, "Svc"),
				ContainerPort: jsii.Number(8080), LoadBalancer: &privatepull.LoadBalancerProps{Subnets: &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PUBLIC}}})
		}, []string{"LoadBalancerProps.Subnets", "public subnet Mixed/Vpc/PublicSubnet1", "private or isolated"}},
		{"fails when the listener port is out of range", func(e env) {
			service(e, privatepull.FargateServiceProps{ContainerPort: jsii.Number(8080), LoadBalancer: &privatepull.LoadBalancerProps{ListenerPort: jsii.Number(0)}})
		}, []string{"LoadBalancerProps.ListenerPort", "got 0"}},
		{"fails when the pull-through prefix is malformed", func(e env) {
			service(e, privatepull.FargateServiceProps{PullThroughCachePrefix: jsii.String("/ECR Public")})
		}, []string{"PullThroughCachePrefix", `got "/ECR Public"`}},
		{"fails when an existing endpoint id is malformed", func(e env) {
			privatepull.NewEndpoints(e.stack, jsii.String("E"), &privatepull.EndpointsProps{Vpc: e.vpc, Existing: &privatepull.ExistingEndpoints{
				InterfaceEndpointIds: map[privatepull.InterfaceService]*string{privatepull.EcrApi: jsii.String("ecr-api")},
				SecurityGroup:        awsec2.SecurityGroup_FromSecurityGroupId(e.stack, jsii.String("G"), jsii.String("sg-0123456789abcdef0"), nil)}})
		}, []string{"ExistingEndpoints.InterfaceEndpointIds[ecr.api]", `got "ecr-api"`, "vpce-"}},
		{"fails when existing endpoints come without their group", func(e env) {
			privatepull.NewEndpoints(e.stack, jsii.String("E"), &privatepull.EndpointsProps{Vpc: e.vpc, Existing: &privatepull.ExistingEndpoints{
				InterfaceEndpointIds: map[privatepull.InterfaceService]*string{privatepull.EcrApi: jsii.String("vpce-0a0000000000000a1")}}})
		}, []string{"ExistingEndpoints.SecurityGroup"}},
		{"fails when an existing gateway id is malformed", func(e env) {
			privatepull.NewEndpoints(e.stack, jsii.String("E"), &privatepull.EndpointsProps{Vpc: e.vpc,
				Existing: &privatepull.ExistingEndpoints{S3GatewayEndpointId: jsii.String("s3")}})
		}, []string{"ExistingEndpoints.S3GatewayEndpointId", `got "s3"`}},
		{"fails when a service is unknown", func(e env) {
			privatepull.NewEndpoints(e.stack, jsii.String("E"), &privatepull.EndpointsProps{Vpc: e.vpc,
				Services: &[]privatepull.InterfaceService{"s3"}})
		}, []string{"EndpointsProps.Services", `got "s3"`}},
		{"fails when a writable path is not absolute", func(e env) {
			service(e, privatepull.FargateServiceProps{WritablePaths: jsii.Strings("tmp")})
		}, []string{"FargateServiceProps.WritablePaths[0]", `got "tmp"`}},
		{"fails when a principal account is malformed", func(e env) {
			privatepull.NewEndpoints(e.stack, jsii.String("E"), &privatepull.EndpointsProps{Vpc: e.vpc, PrincipalAccounts: jsii.Strings("12345")})
		}, []string{"EndpointsProps.PrincipalAccounts", `got "12345"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := setup()
			wantPanic(t, func() { c.f(e) }, c.want...)
		})
	}
}
