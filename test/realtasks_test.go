package test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/jsii-runtime-go"
	"github.com/cdklabs/cdk-nag-go/cdknag/v2"

	"github.com/privatepull/privatepull/constructs/privatepull"
)

// realTasksScenario: an API with secrets (a Secrets Manager secret under a
// customer key, an SSM parameter), ECS Exec with a session key, a sidecar and
// an internal load balancer; and a worker that pulls through a cache and
// reads the same secret. Both share the VPC's endpoints.
func realTasksScenario(t *testing.T) *synthesized {
	return scenario(t, "real-tasks", func() awscdk.Stack {
		stack := libStack()
		vpc := isolatedVpc(stack)
		key := awskms.NewKey(stack, jsii.String("SecretsKey"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
		execKey := awskms.NewKey(stack, jsii.String("ExecKey"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
		secret := awssecretsmanager.NewSecret(stack, jsii.String("DbPassword"), &awssecretsmanager.SecretProps{EncryptionKey: key})
		cdknag.NagSuppressions_AddResourceSuppressions(secret, &[]*cdknag.NagPackSuppression{{
			Id: jsii.String("AwsSolutions-SMG4"), Reason: jsii.String("test fixture: rotation is the secret owner's business, not the service's")}}, nil)
		param := awsssm.StringParameter_FromStringParameterName(stack, jsii.String("Flag"), jsii.String("/app/flag"))
		privatepull.NewFargateService(stack, jsii.String("Api"), &privatepull.FargateServiceProps{
			Vpc:           vpc,
			Image:         repoImage(stack, "Api"),
			ContainerPort: jsii.Number(8080),
			Secrets: &map[string]awsecs.Secret{
				"DB_PASSWORD": awsecs.Secret_FromSecretsManager(secret, nil),
				"FLAG":        awsecs.Secret_FromSsmParameter(param),
			},
			SecretsKey:           key,
			EnableExecuteCommand: jsii.Bool(true),
			ExecKey:              execKey,
			Sidecars: &[]*privatepull.SidecarProps{{
				Name: jsii.String("Proxy"), Image: repoImage(stack, "Proxy"), Essential: jsii.Bool(false), Port: jsii.Number(9901),
			}},
			LoadBalancer: &privatepull.LoadBalancerProps{HealthCheckPath: jsii.String("/healthz")},
		})
		cache := awsecs.ContainerImage_FromRegistry(jsii.String(testAccount+".dkr.ecr."+testRegion+".amazonaws.com/ecr-public/nginx/nginx:1.27"), nil)
		privatepull.NewFargateService(stack, jsii.String("Worker"), &privatepull.FargateServiceProps{
			Vpc:                    vpc,
			Image:                  cache,
			PullThroughCachePrefix: jsii.String("ecr-public"),
			Secrets:                &map[string]awsecs.Secret{"DB_PASSWORD": awsecs.Secret_FromSecretsManager(secret, nil)},
		})
		return stack
	})
}

func serviceNames(s *synthesized) []string {
	var names []string
	for _, r := range s.resources("AWS::EC2::VPCEndpoint") {
		name := asJSON(props(r)["ServiceName"])
		names = append(names, name[strings.LastIndex(name, ".")+1:strings.LastIndexAny(name, `"`)])
	}
	slices.Sort(names)
	return names
}

func TestRealTasksGolden(t *testing.T) { golden(t, "real-tasks", realTasksScenario(t)) }

func TestRealTasksEndpointsGrowOnceWithWhatTasksNeed(t *testing.T) {
	s := realTasksScenario(t)
	// secretsmanager (both services), ssm, kms (secrets and exec), ssmmessages: one each
	want := []string{"api", "dkr", "kms", "logs", "s3", "secretsmanager", "ssm", "ssmmessages"}
	if got := serviceNames(s); !slices.Equal(got, want) {
		t.Errorf("endpoints %v, want %v", got, want)
	}
	check(t, "secretsmanager policy", func() {
		s.template.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), map[string]any{
			"ServiceName": assertions.Match_ObjectLike(&map[string]any{}),
			"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Sid": "AllowSecretReads", "Action": "secretsmanager:GetSecretValue", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"},
				"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": []any{ref("AWS::AccountId")}}},
				"Resource":  map[string]any{"Fn::Join": []any{"", []any{"arn:", ref("AWS::Partition"), ":secretsmanager:", ref("AWS::Region"), ":", ref("AWS::AccountId"), ":secret:*"}}},
			}}},
		})
	})
}

func TestRealTasksExecutionRoleReadsExactlyItsSecrets(t *testing.T) {
	s := realTasksScenario(t)
	policy := ""
	for id, r := range s.resources("AWS::IAM::Policy") {
		if strings.HasPrefix(id, "ApiTaskDefinitionExecutionRoleDefaultPolicy") {
			policy = asJSON(props(r)["PolicyDocument"])
		}
	}
	secret := s.logicalIdOf(t, "Lib/DbPassword/Resource")
	key := s.logicalIdOf(t, "Lib/SecretsKey/Resource")
	for _, want := range []string{
		`"Action":["secretsmanager:DescribeSecret","secretsmanager:GetSecretValue"],"Effect":"Allow","Resource":{"Ref":"` + secret + `"}`,
		`"Action":"kms:Decrypt","Effect":"Allow","Resource":{"Fn::GetAtt":["` + key + `","Arn"]}`,
		`":parameter/app/flag"]]}`,
	} {
		if !strings.Contains(policy, want) {
			t.Errorf("execution policy lacks %s:\n%s", want, policy)
		}
	}
	if strings.Count(policy, "secretsmanager:") != 2 || strings.Contains(policy, `"secretsmanager:*"`) {
		t.Errorf("execution policy reads more secrets than its own: %s", policy)
	}
}

func TestRealTasksExecAndSidecar(t *testing.T) {
	s := realTasksScenario(t)
	check(t, "exec on", func() {
		s.template.HasResourceProperties(jsii.String("AWS::ECS::Service"), map[string]any{"EnableExecuteCommand": true})
		s.template.HasResourceProperties(jsii.String("AWS::ECS::Cluster"), map[string]any{
			"Configuration": map[string]any{"ExecuteCommandConfiguration": map[string]any{
				"KmsKeyId": map[string]any{"Fn::GetAtt": []any{s.logicalIdOf(t, "Lib/ExecKey/Resource"), "Arn"}}, "Logging": "DEFAULT"}}})
		s.template.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{map[string]any{
				"Action": []any{"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"},
				"Effect": "Allow", "Resource": "*"}})},
			"Roles": []any{ref(s.logicalIdOf(t, "Lib/Api/TaskDefinition/TaskRole/Resource"))},
		})
	})
	check(t, "sidecar with its own log stream", func() {
		s.template.HasResourceProperties(jsii.String("AWS::ECS::TaskDefinition"), map[string]any{
			"ContainerDefinitions": assertions.Match_ArrayWith(&[]any{assertions.Match_ObjectLike(&map[string]any{
				"Name": "Proxy", "Essential": false, "ReadonlyRootFilesystem": true,
				"LogConfiguration": map[string]any{"LogDriver": "awslogs", "Options": assertions.Match_ObjectLike(&map[string]any{"awslogs-stream-prefix": "proxy"})},
			})}),
		})
	})
}

func TestRealTasksLoadBalancerReachesOnlyTheTasks(t *testing.T) {
	s := realTasksScenario(t)
	lbGroup := s.logicalIdOf(t, "Lib/Api/LoadBalancerSecurityGroup/Resource")
	taskGroup := s.logicalIdOf(t, "Lib/Api/SecurityGroup/Resource")
	check(t, "internal balancer", func() {
		s.template.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::LoadBalancer"), map[string]any{"Scheme": "internal"})
		s.template.HasResourceProperties(jsii.String("AWS::ElasticLoadBalancingV2::TargetGroup"), map[string]any{
			"HealthCheckPath": "/healthz", "Port": 8080, "TargetType": "ip"})
	})
	check(t, "listener open to the VPC only", func() {
		s.template.HasResourceProperties(jsii.String("AWS::EC2::SecurityGroup"), map[string]any{
			"SecurityGroupIngress": []any{map[string]any{"CidrIp": map[string]any{"Fn::GetAtt": []any{s.logicalIdOf(t, "Lib/Vpc/Resource"), "CidrBlock"}},
				"Description": "to the listener", "FromPort": 80, "IpProtocol": "tcp", "ToPort": 80}}})
	})
	check(t, "balancer to tasks on 8080 only", func() {
		s.template.HasResourceProperties(jsii.String("AWS::EC2::SecurityGroupEgress"), map[string]any{
			"GroupId": groupId(lbGroup), "DestinationSecurityGroupId": groupId(taskGroup), "FromPort": 8080, "ToPort": 8080, "IpProtocol": "tcp"})
		s.template.HasResourceProperties(jsii.String("AWS::EC2::SecurityGroupIngress"), map[string]any{
			"GroupId": groupId(taskGroup), "SourceSecurityGroupId": groupId(lbGroup), "FromPort": 8080, "ToPort": 8080, "IpProtocol": "tcp"})
	})
	ingressToTasks := 0
	for _, r := range s.resources("AWS::EC2::SecurityGroupIngress") {
		if asJSON(props(r)["GroupId"]) == asJSON(groupId(taskGroup)) {
			ingressToTasks++
		}
	}
	if ingressToTasks != 1 {
		t.Errorf("%d ingress rules on the task group, want 1 (from the balancer)", ingressToTasks)
	}
}

func TestRealTasksPullThroughCache(t *testing.T) {
	s := realTasksScenario(t)
	check(t, "import and create under the prefix", func() {
		s.template.HasResourceProperties(jsii.String("AWS::IAM::Policy"), map[string]any{
			"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{map[string]any{
				"Action": []any{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:BatchImportUpstreamImage", "ecr:CreateRepository", "ecr:GetDownloadUrlForLayer"},
				"Effect": "Allow",
				"Resource": map[string]any{"Fn::Join": []any{"", []any{"arn:", ref("AWS::Partition"), ":ecr:", ref("AWS::Region"), ":",
					ref("AWS::AccountId"), ":repository/ecr-public/*"}}}}})},
		})
	})
	warnings := assertions.Annotations_FromStack(s.stack).FindWarning(jsii.String("/Lib/Worker"),
		assertions.Match_StringLikeRegexp(jsii.String("first pull fetches the upstream image")))
	if len(*warnings) != 1 {
		t.Errorf("%d pull-through warnings, want 1", len(*warnings))
	}
}

func TestExistingEndpointsAreNotCreatedAgain(t *testing.T) {
	stack := awscdk.NewStack(newApp(nil, false), jsii.String("Existing"), nil)
	vpc := isolatedVpc(stack)
	group := awsec2.SecurityGroup_FromSecurityGroupId(stack, jsii.String("EndpointGroup"), jsii.String("sg-0123456789abcdef0"), nil)
	eps := privatepull.NewEndpoints(stack, jsii.String("Endpoints"), &privatepull.EndpointsProps{
		Vpc: vpc, S3PrefixListId: jsii.String("pl-6da54004"),
		Existing: &privatepull.ExistingEndpoints{
			InterfaceEndpointIds: map[privatepull.InterfaceService]*string{
				privatepull.EcrApi: jsii.String("vpce-0a0000000000000a1"), privatepull.EcrDkr: jsii.String("vpce-0a0000000000000a2"),
			},
			SecurityGroup:       group,
			S3GatewayEndpointId: jsii.String("vpce-0a0000000000000a3"),
		},
	})
	other := awsecr.Repository_FromRepositoryArn(stack, jsii.String("Shared"), jsii.String("arn:aws:ecr:eu-west-1:210987654321:repository/shared/app"))
	eps.AllowPullFrom(other)
	s := &synthesized{template: assertions.Template_FromStack(stack, nil)}
	s.json = toMap(s.template.ToJSON())
	// only logs is new; the existing group admits the client group
	if got := serviceNames(s); !slices.Equal(got, []string{"logs"}) {
		t.Errorf("created endpoints %v, want only logs", got)
	}
	client := s.logicalIdOf(t, "Existing/Endpoints/ClientSecurityGroup/Resource")
	check(t, "existing group admits clients", func() {
		s.template.HasResourceProperties(jsii.String("AWS::EC2::SecurityGroupIngress"), map[string]any{
			"GroupId": "sg-0123456789abcdef0", "SourceSecurityGroupId": groupId(client), "FromPort": 443, "ToPort": 443})
		s.template.HasResourceProperties(jsii.String("AWS::EC2::SecurityGroupEgress"), map[string]any{
			"GroupId": groupId(client), "DestinationSecurityGroupId": "sg-0123456789abcdef0", "FromPort": 443, "ToPort": 443})
	})
	if *eps.EcrApi().VpcEndpointId() != "vpce-0a0000000000000a1" || *eps.S3().VpcEndpointId() != "vpce-0a0000000000000a3" {
		t.Error("getters do not return the existing endpoints")
	}
}

func TestAllowPullFromAddsAnotherAccountsRepository(t *testing.T) {
	stack := awscdk.NewStack(newApp(nil, false), jsii.String("Cross"), nil)
	eps := privatepull.NewEndpoints(stack, jsii.String("Endpoints"), &privatepull.EndpointsProps{Vpc: isolatedVpc(stack), S3PrefixListId: jsii.String("pl-6da54004")})
	eps.AllowPullFrom(awsecr.Repository_FromRepositoryArn(stack, jsii.String("Shared"), jsii.String("arn:aws:ecr:eu-west-1:210987654321:repository/shared/app")))
	tpl := assertions.Template_FromStack(stack, nil)
	for _, service := range []string{".ecr.api", ".ecr.dkr"} {
		check(t, service, func() {
			tpl.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), map[string]any{
				"ServiceName": map[string]any{"Fn::Join": []any{"", []any{"com.amazonaws.", ref("AWS::Region"), service}}},
				"PolicyDocument": map[string]any{"Statement": assertions.Match_ArrayWith(&[]any{map[string]any{
					"Sid": "AllowImagePull", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"},
					"Action":    []any{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
					"Condition": map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": []any{ref("AWS::AccountId")}}},
					"Resource": []any{
						"arn:aws:ecr:eu-west-1:210987654321:repository/shared/app",
						map[string]any{"Fn::Join": []any{"", []any{"arn:", ref("AWS::Partition"), ":ecr:", ref("AWS::Region"), ":", ref("AWS::AccountId"), ":repository/*"}}}},
				}})},
			})
		})
	}
}

func TestEndpointsSharedAcrossStacks(t *testing.T) {
	// GIVEN the endpoints in a network stack and services in two other stacks
	app := newApp(nil, false)
	network := awscdk.NewStack(app, jsii.String("Network"), nil)
	vpc := isolatedVpc(network)
	eps := privatepull.NewEndpoints(network, jsii.String("Endpoints"), &privatepull.EndpointsProps{Vpc: vpc, S3PrefixListId: jsii.String("pl-6da54004")})
	for _, name := range []string{"Api", "Worker"} {
		stack := awscdk.NewStack(app, jsii.String(name), nil)
		privatepull.NewFargateService(stack, jsii.String("Service"), &privatepull.FargateServiceProps{Vpc: vpc, Image: repoImage(stack, name), Endpoints: eps})
	}
	// THEN the network stack keeps one ingress rule on the endpoint group and
	// creates no endpoints twice; the services join its client group by reference
	tpl := func(id string) *synthesized {
		s := &synthesized{template: assertions.Template_FromStack(app.Node().FindChild(jsii.String(id)).(awscdk.Stack), nil)}
		s.json = toMap(s.template.ToJSON())
		return s
	}
	net := tpl("Network")
	if n, m := len(net.resources("AWS::EC2::SecurityGroupIngress")), len(net.resources("AWS::EC2::VPCEndpoint")); n != 1 || m != 4 {
		t.Errorf("network stack: %d ingress rules, %d endpoints; want 1 and 4", n, m)
	}
	for _, name := range []string{"Api", "Worker"} {
		s := tpl(name)
		if n := len(s.resources("AWS::EC2::VPCEndpoint")) + len(s.resources("AWS::EC2::SecurityGroupIngress")); n != 0 {
			t.Errorf("%s stack creates %d endpoints or ingress rules, want 0", name, n)
		}
		groups := asJSON(props(firstOf(s.resources("AWS::ECS::Service")))["NetworkConfiguration"])
		// a cross-stack reference (Fn::GetStackOutput with the recommended flags)
		if !strings.Contains(groups, `"StackName":"Network"`) || !strings.Contains(groups, "EndpointsClientSecurityGroup") {
			t.Errorf("%s service does not join the network stack's client group: %s", name, groups)
		}
	}
}

func firstOf(rs map[string]map[string]any) map[string]any {
	for _, r := range rs {
		return r
	}
	return nil
}
