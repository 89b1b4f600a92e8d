package test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecspatterns"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awssecretsmanager"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsssm"
	"github.com/aws/aws-cdk-go/awscdk/v2/cxapi"
	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/privatepull"
	"github.com/privatepull/privatepull/constructs/pullpath"
)

// assertPullPathPasses fails the test when the pull-path checker finds an
// error on the template, or judges one of its services other than want
// (skipped services aside).
func assertPullPathPasses(t *testing.T, templatePath string, want ...string) {
	t.Helper()
	if len(want) == 0 {
		want = []string{pullpath.Private}
	}
	report, err := checkPaths(templatePath)
	if err != nil {
		t.Fatalf("check %s: %v", templatePath, err)
	}
	for _, f := range report.Findings() {
		if f.Severity == "error" {
			t.Errorf("%s: %s on %s: %s", filepath.Base(templatePath), f.Rule, f.Resource, f.Message)
		}
	}
	for _, s := range report.Templates[0].Services {
		if s.Verdict != pullpath.Skipped && s.Verdict != want[0] {
			t.Errorf("%s: service %s is %s (%s), want %s; unknowns %q", filepath.Base(templatePath), s.ID, s.Verdict, s.Why, want[0], s.Unknowns)
		}
	}
}

// templateOf synthesizes the app of stack (once) and returns the stack's
// template.
func templateOf(t *testing.T, stack awscdk.Stack) *synthesized {
	t.Helper()
	var s *synthesized
	if err := catch(func() {
		tpl := assertions.Template_FromStack(stack, nil)
		s = &synthesized{stack: stack, template: tpl, json: toMap(tpl.ToJSON())}
	}); err != nil {
		t.Fatalf("synth of %s: %v", *stack.Node().Path(), err)
	}
	return s
}

// path returns the file the stack's template was synthesized to.
func (s *synthesized) path() string {
	return filepath.Join(*awscdk.Stage_Of(s.stack).Outdir(), *s.stack.TemplateFile())
}

// messages returns the stack's warnings (or errors) as "PATH: TEXT".
func messages(stack awscdk.Stack, errors bool) []string {
	a := assertions.Annotations_FromStack(stack)
	var found *[]*cxapi.SynthesisMessage
	if errors {
		found = a.FindError(jsii.String("*"), assertions.Match_AnyValue())
	} else {
		found = a.FindWarning(jsii.String("*"), assertions.Match_AnyValue())
	}
	var out []string
	for _, m := range *found {
		text, _ := m.Entry.Data.(string)
		out = append(out, *m.Id+": "+text)
	}
	return out
}

// withText returns the messages that contain every part.
func withText(msgs []string, parts ...string) []string {
	return slices.DeleteFunc(slices.Clone(msgs), func(m string) bool {
		return slices.ContainsFunc(parts, func(p string) bool { return !strings.Contains(m, p) })
	})
}

// endpointServices lists the services of the template's VPC endpoints.
func endpointServices(s *synthesized) []string { return serviceNames(s) }

// groupsOfService returns the SecurityGroups of the template's ECS service
// at path, as JSON.
func groupsOfService(t *testing.T, s *synthesized, path string) []string {
	t.Helper()
	r := s.json["Resources"].(map[string]any)[s.logicalIdOf(t, path)].(map[string]any)
	groups := props(r)["NetworkConfiguration"].(map[string]any)["AwsvpcConfiguration"].(map[string]any)["SecurityGroups"].([]any)
	var out []string
	for _, g := range groups {
		out = append(out, asJSON(g))
	}
	return out
}

// handWrittenSeed is the seed's stack as people write it from the AWS docs
// with CDK's L2s: each interface endpoint has its own group, open only to
// the task group, and the task group's egress reaches only the endpoints
// (no S3 prefix list: the bug).
func handWrittenSeed(stack awscdk.Stack) {
	vpc := isolatedVpc(stack)
	vpc.AddGatewayEndpoint(jsii.String("S3"), &awsec2.GatewayVpcEndpointOptions{Service: awsec2.GatewayVpcEndpointAwsService_S3()})
	taskGroup := awsec2.NewSecurityGroup(stack, jsii.String("TaskGroup"), &awsec2.SecurityGroupProps{Vpc: vpc, AllowAllOutbound: jsii.Bool(false)})
	for _, e := range []struct {
		id      string
		service awsec2.InterfaceVpcEndpointAwsService
	}{
		{"EcrApi", awsec2.InterfaceVpcEndpointAwsService_ECR()},
		{"EcrDkr", awsec2.InterfaceVpcEndpointAwsService_ECR_DOCKER()},
		{"Logs", awsec2.InterfaceVpcEndpointAwsService_CLOUDWATCH_LOGS()},
	} {
		ep := vpc.AddInterfaceEndpoint(jsii.String(e.id), &awsec2.InterfaceVpcEndpointOptions{Service: e.service, Open: jsii.Bool(false)})
		ep.Connections().AllowDefaultPortFrom(taskGroup, nil)
	}
	task := awsecs.NewFargateTaskDefinition(stack, jsii.String("Task"), nil)
	task.AddContainer(jsii.String("App"), &awsecs.ContainerDefinitionOptions{
		Image:   repoImage(stack, "App"),
		Logging: awsecs.LogDriver_AwsLogs(&awsecs.AwsLogDriverProps{StreamPrefix: jsii.String("app")}),
	})
	awsecs.NewFargateService(stack, jsii.String("Service"), &awsecs.FargateServiceProps{
		Cluster:        awsecs.NewCluster(stack, jsii.String("Cluster"), &awsecs.ClusterProps{Vpc: vpc}),
		TaskDefinition: task, SecurityGroups: &[]awsec2.ISecurityGroup{taskGroup}, MinHealthyPercent: jsii.Number(100),
	})
}

// seedScenario is the hand-written seed, without (before) or with (after)
// the aspect.
func seedScenario(t *testing.T, after bool) *synthesized {
	name := map[bool]string{false: "aspect/seed-before", true: "aspect/seed-after"}[after]
	return scenario(t, name, func() awscdk.Stack {
		stack := awscdk.NewStack(newApp(nil, false), jsii.String("Seed"), nil)
		handWrittenSeed(stack)
		if after {
			privatepull.MakePrivate(stack, nil)
		}
		return stack
	})
}

func TestAspectSeed(t *testing.T) {
	// GIVEN the hand-written seed, WHEN the aspect is applied
	before, after := seedScenario(t, false), seedScenario(t, true)
	golden(t, "aspect/seed-before", before)
	golden(t, "aspect/seed-after", after)

	// THEN the seed's bug is found before, and the path passes after
	findings, err := privatepull.CheckTemplate(before.path())
	if err != nil || len(findings) != 1 || findings[0].RuleID != "PRIVATEPULL-S3-EGRESS" {
		t.Errorf("before: %v %+v, want PRIVATEPULL-S3-EGRESS", err, findings)
	}
	assertPullPathPasses(t, after.path())

	// AND nothing of the seed is removed or replaced: the endpoints and the
	// gateway are the same; only the service changes
	was, is := before.json["Resources"].(map[string]any), after.json["Resources"].(map[string]any)
	for id, r := range was {
		now, ok := is[id]
		switch {
		case !ok:
			t.Errorf("%s is gone", id)
		case id == "CDKMetadata" || asJSON(r) == asJSON(now):
		case r.(map[string]any)["Type"] != "AWS::ECS::Service":
			t.Errorf("%s changed:\n%s\n%s", id, asJSON(r), asJSON(now))
		}
	}
	// AND what is added is only rules, the client group, the prefix-list
	// lookup; no endpoint
	allowed := []string{"AWS::EC2::SecurityGroup", "AWS::EC2::SecurityGroupIngress", "AWS::EC2::SecurityGroupEgress",
		"Custom::AWS", "AWS::IAM::Role", "AWS::IAM::Policy", "AWS::Lambda::Function", "AWS::Logs::LogGroup"}
	added := map[string]int{}
	for id, r := range is {
		if _, ok := was[id]; !ok {
			typ := r.(map[string]any)["Type"].(string)
			added[typ]++
			if !slices.Contains(allowed, typ) {
				t.Errorf("the aspect added %s %s", typ, id)
			}
		}
	}
	if added["AWS::EC2::SecurityGroup"] != 1 || added["AWS::EC2::SecurityGroupIngress"] != 3 || added["AWS::EC2::SecurityGroupEgress"] != 4 {
		t.Errorf("added %v, want the client group, 3 ingress rules (one per endpoint group), 4 egress rules (3 groups and the prefix list)", added)
	}
	// AND the service joins the client group and depends on the endpoints
	service := after.logicalIdOf(t, "Seed/Service/Service")
	client := after.logicalIdOf(t, "Seed/PrivatePullEndpointsVpc/ClientSecurityGroup/Resource")
	if got := groupsOfService(t, after, "Seed/Service/Service"); len(got) != 2 || got[1] != asJSON(groupId(client)) {
		t.Errorf("service groups %v, want the task group and the client group", got)
	}
	deps := asJSON(is[service].(map[string]any)["DependsOn"])
	for _, ep := range []string{"Seed/Vpc/EcrApi/Resource", "Seed/Vpc/EcrDkr/Resource", "Seed/Vpc/Logs/Resource", "Seed/Vpc/S3/Resource"} {
		if !strings.Contains(deps, `"`+after.logicalIdOf(t, ep)+`"`) {
			t.Errorf("the service does not depend on %s: %s", ep, deps)
		}
	}
}

// patternsStack is an internal ApplicationLoadBalancedFargateService and a
// QueueProcessingFargateService in one isolated VPC with no endpoints.
func patternsStack(app awscdk.App) awscdk.Stack {
	stack := awscdk.NewStack(app, jsii.String("Patterns"), nil)
	vpc := isolatedVpc(stack)
	cluster := awsecs.NewCluster(stack, jsii.String("Cluster"), &awsecs.ClusterProps{Vpc: vpc})
	isolated := &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}
	awsecspatterns.NewApplicationLoadBalancedFargateService(stack, jsii.String("Web"), &awsecspatterns.ApplicationLoadBalancedFargateServiceProps{
		Cluster:            cluster,
		PublicLoadBalancer: jsii.Bool(false),
		TaskSubnets:        isolated,
		MinHealthyPercent:  jsii.Number(100),
		TaskImageOptions:   &awsecspatterns.ApplicationLoadBalancedTaskImageOptions{Image: repoImage(stack, "Web"), ContainerPort: jsii.Number(8080)},
	})
	awsecspatterns.NewQueueProcessingFargateService(stack, jsii.String("Worker"), &awsecspatterns.QueueProcessingFargateServiceProps{
		Cluster:           cluster,
		Image:             repoImage(stack, "Worker"),
		TaskSubnets:       isolated,
		MinHealthyPercent: jsii.Number(100),
	})
	return stack
}

func patternsScenario(t *testing.T) *synthesized {
	return scenario(t, "aspect/ecs-patterns", func() awscdk.Stack {
		app := newApp(nil, false)
		stack := patternsStack(app)
		privatepull.MakePrivate(app, nil)
		return stack
	})
}

func TestAspectEcsPatterns(t *testing.T) {
	// GIVEN two ecs-patterns services in an isolated VPC with no endpoints,
	// WHEN the aspect is applied to the App
	s := patternsScenario(t)
	golden(t, "aspect/ecs-patterns", s)
	// THEN the rules pass, and the endpoints are created once, for both
	assertPullPathPasses(t, s.path())
	if got, want := endpointServices(s), []string{"api", "dkr", "logs", "s3"}; !slices.Equal(got, want) {
		t.Errorf("endpoints %v, want %v", got, want)
	}
	client := asJSON(groupId(s.logicalIdOf(t, "Patterns/PrivatePullEndpointsVpc/ClientSecurityGroup/Resource")))
	for _, svc := range []string{"Patterns/Web/Service/Service", "Patterns/Worker/QueueProcessingFargateService/Service"} {
		if groups := groupsOfService(t, s, svc); !slices.Contains(groups, client) {
			t.Errorf("%s: groups %v lack the client group", svc, groups)
		}
	}
	// AND the endpoints admit the client group only, and allow only the pull
	group := s.logicalIdOf(t, "Patterns/PrivatePullEndpointsVpc/SecurityGroup/Resource")
	check(t, "endpoint ingress", func() {
		s.template.ResourcePropertiesCountIs(jsii.String("AWS::EC2::SecurityGroupIngress"), map[string]any{
			"GroupId": groupId(group)}, jsii.Number(1))
	})
	check(t, "layer-bucket policy", func() {
		s.template.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), map[string]any{
			"VpcEndpointType": "Gateway",
			"PolicyDocument":  map[string]any{"Statement": []any{assertions.Match_ObjectLike(&map[string]any{"Sid": "AllowEcrLayerDownloads"})}},
		})
	})
}

func TestAspectIsIdempotent(t *testing.T) {
	// GIVEN the ecs-patterns stack, WHEN the aspect is applied on the App,
	// on the stack, and added again by hand
	app := newApp(nil, false)
	stack := patternsStack(app)
	privatepull.MakePrivate(app, nil)
	privatepull.MakePrivate(stack, nil)
	awscdk.Aspects_Of(stack).Add(privatepull.NewAspect(nil), &awscdk.AspectOptions{Priority: awscdk.AspectPriority_MUTATING()})
	// THEN the template is the one of a single application
	twice := templateOf(t, stack)
	once := patternsScenario(t)
	if asJSON(withoutMetadata(twice.json)) != asJSON(withoutMetadata(once.json)) {
		t.Errorf("the template differs:\n%s", lineDiff(asJSON(withoutMetadata(once.json)), asJSON(withoutMetadata(twice.json))))
	}
}

// withoutMetadata drops CDKMetadata, which lists the construct types used.
func withoutMetadata(tpl map[string]any) map[string]any {
	out := toMap(tpl)
	delete(out["Resources"].(map[string]any), "CDKMetadata")
	return out
}

func TestAspectTwoVpcs(t *testing.T) {
	// GIVEN a network stack with two VPCs and a stack with one service in each
	app := newApp(nil, false)
	network := awscdk.NewStack(app, jsii.String("Network"), nil)
	vpcs := map[string]awsec2.Vpc{}
	for _, name := range []string{"A", "B"} {
		vpcs[name] = awsec2.NewVpc(network, jsii.String("Vpc"+name), &awsec2.VpcProps{
			MaxAzs: jsii.Number(2), NatGateways: jsii.Number(0),
			SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{Name: jsii.String("Isolated"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}},
		})
	}
	services := awscdk.NewStack(app, jsii.String("Services"), nil)
	for _, name := range []string{"A", "B"} {
		plainService(services, "Api"+name, vpcs[name], nil)
	}
	// WHEN the aspect is applied to the App
	privatepull.MakePrivate(app, nil)
	net, svc := templateOf(t, network), templateOf(t, services)
	// THEN each VPC has its own set, in the VPC's stack, and the services' stack none
	if got, want := endpointServices(net), []string{"api", "api", "dkr", "dkr", "logs", "logs", "s3", "s3"}; !slices.Equal(got, want) {
		t.Errorf("network endpoints %v, want %v", got, want)
	}
	if n := len(svc.resources("AWS::EC2::VPCEndpoint")); n != 0 {
		t.Errorf("the services' stack has %d endpoints", n)
	}
	// AND each service joins the client group of its own VPC (an export of the network stack)
	for _, name := range []string{"A", "B"} {
		groups := strings.Join(groupsOfService(t, svc, "Services/Api"+name+"/Service"), " ")
		if !strings.Contains(groups, "PrivatePullEndpointsVpc"+name+"ClientSecurityGroup") {
			t.Errorf("service %s groups %s lack VPC %s's client group", name, groups, name)
		}
	}
}

// plainService is an awsecs.FargateService with an awslogs container, in
// subnets (default: the VPC's default choice).
func plainService(stack awscdk.Stack, name string, vpc awsec2.IVpc, configure func(*awsecs.FargateServiceProps, awsecs.FargateTaskDefinition)) awsecs.FargateService {
	task := awsecs.NewFargateTaskDefinition(stack, jsii.String(name+"Task"), nil)
	task.AddContainer(jsii.String("App"), &awsecs.ContainerDefinitionOptions{
		Image:   repoImage(stack, name),
		Logging: awsecs.LogDriver_AwsLogs(&awsecs.AwsLogDriverProps{StreamPrefix: jsii.String("app")}),
	})
	props := &awsecs.FargateServiceProps{
		Cluster:        awsecs.NewCluster(stack, jsii.String(name+"Cluster"), &awsecs.ClusterProps{Vpc: vpc}),
		TaskDefinition: task, MinHealthyPercent: jsii.Number(100),
	}
	if configure != nil {
		configure(props, task)
	}
	return awsecs.NewFargateService(stack, jsii.String(name), props)
}

// natStack is a service in the private (NAT) subnets of a VPC with public
// and private subnets.
func natStack(besideNat bool) awscdk.Stack {
	stack := awscdk.NewStack(newApp(nil, false), jsii.String("Nat"), nil)
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{MaxAzs: jsii.Number(2), NatGateways: jsii.Number(1)})
	plainService(stack, "Api", vpc, nil)
	privatepull.MakePrivate(stack, &privatepull.AspectProps{CreateEndpointsBesideNat: jsii.Bool(besideNat)})
	return stack
}

func TestAspectNatSubnetsWithoutOptIn(t *testing.T) {
	// GIVEN a service in NAT subnets, WHEN the aspect is applied without CreateEndpointsBesideNat
	stack := natStack(false)
	s := templateOf(t, stack)
	// THEN nothing is created, and synth warns that the pull stays on the internet
	if n := len(s.resources("AWS::EC2::VPCEndpoint")); n != 0 {
		t.Errorf("%d endpoints created beside the NAT", n)
	}
	if groups := groupsOfService(t, s, "Nat/Api/Service"); len(groups) != 1 {
		t.Errorf("service groups %v, want its own only", groups)
	}
	if got := withText(messages(stack, false), "privatepull:pullThroughNat", "Nat/Api", "stays on the internet"); len(got) != 1 {
		t.Errorf("warnings %v", messages(stack, false))
	}
}

func TestAspectNatSubnetsWithOptIn(t *testing.T) {
	// GIVEN a service in NAT subnets, WHEN the aspect is applied with CreateEndpointsBesideNat
	stack := natStack(true)
	s := templateOf(t, stack)
	// THEN the endpoints are created, admit the VPC's CIDR too, and keep AWS's default policies
	assertPullPathPasses(t, s.path())
	if got, want := endpointServices(s), []string{"api", "dkr", "logs", "s3"}; !slices.Equal(got, want) {
		t.Errorf("endpoints %v, want %v", got, want)
	}
	for id, r := range s.resources("AWS::EC2::VPCEndpoint") {
		if _, ok := props(r)["PolicyDocument"]; ok {
			t.Errorf("endpoint %s has a policy beside the NAT", id)
		}
	}
	group := s.logicalIdOf(t, "Nat/PrivatePullEndpointsVpc/SecurityGroup/Resource")
	check(t, "VPC CIDR ingress", func() {
		s.template.HasResourceProperties(jsii.String("AWS::EC2::SecurityGroup"), map[string]any{
			"SecurityGroupIngress": []any{assertions.Match_ObjectLike(&map[string]any{
				"CidrIp": map[string]any{"Fn::GetAtt": []any{s.logicalIdOf(t, "Nat/Vpc/Resource"), "CidrBlock"}}, "FromPort": 443})},
		})
	})
	check(t, "client group ingress", func() {
		s.template.HasResourceProperties(jsii.String("AWS::EC2::SecurityGroupIngress"), map[string]any{"GroupId": groupId(group), "FromPort": 443})
	})
	// AND synth says so
	if got := withText(messages(stack, false), "privatepull:endpointsBesideNat", "VPC's CIDR"); len(got) != 1 {
		t.Errorf("warnings %v", messages(stack, false))
	}
}

func TestAspectSecretsAndExec(t *testing.T) {
	// GIVEN a service with a Secrets Manager secret under a customer key, an
	// SSM parameter, and ECS Exec
	stack := awscdk.NewStack(newApp(nil, false), jsii.String("Secrets"), nil)
	vpc := isolatedVpc(stack)
	key := awskms.NewKey(stack, jsii.String("Key"), &awskms.KeyProps{EnableKeyRotation: jsii.Bool(true)})
	secret := awssecretsmanager.NewSecret(stack, jsii.String("Password"), &awssecretsmanager.SecretProps{EncryptionKey: key})
	param := awsssm.StringParameter_FromStringParameterName(stack, jsii.String("Flag"), jsii.String("/app/flag"))
	plainService(stack, "Api", vpc, func(p *awsecs.FargateServiceProps, task awsecs.FargateTaskDefinition) {
		p.EnableExecuteCommand = jsii.Bool(true)
		task.DefaultContainer().AddSecret(jsii.String("PASSWORD"), awsecs.Secret_FromSecretsManager(secret, nil))
		task.DefaultContainer().AddSecret(jsii.String("FLAG"), awsecs.Secret_FromSsmParameter(param))
	})
	// WHEN the aspect is applied
	privatepull.MakePrivate(stack, nil)
	s := templateOf(t, stack)
	// THEN the endpoints the task definition needs are added, once each
	assertPullPathPasses(t, s.path())
	want := []string{"api", "dkr", "kms", "logs", "s3", "secretsmanager", "ssm", "ssmmessages"}
	if got := endpointServices(s); !slices.Equal(got, want) {
		t.Errorf("endpoints %v, want %v", got, want)
	}
}

func TestAspectSkipsTheEc2LaunchType(t *testing.T) {
	// GIVEN a service on the EC2 launch type
	stack := awscdk.NewStack(newApp(nil, false), jsii.String("Ec2"), nil)
	vpc := isolatedVpc(stack)
	cluster := awsecs.NewCluster(stack, jsii.String("Cluster"), &awsecs.ClusterProps{Vpc: vpc})
	cluster.AddCapacity(jsii.String("Capacity"), &awsecs.AddCapacityOptions{
		InstanceType: awsec2.NewInstanceType(jsii.String("t3.small")),
		VpcSubnets:   &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED},
	})
	task := awsecs.NewEc2TaskDefinition(stack, jsii.String("Task"), &awsecs.Ec2TaskDefinitionProps{NetworkMode: awsecs.NetworkMode_AWS_VPC})
	task.AddContainer(jsii.String("App"), &awsecs.ContainerDefinitionOptions{Image: repoImage(stack, "App"), MemoryLimitMiB: jsii.Number(256)})
	awsecs.NewEc2Service(stack, jsii.String("Service"), &awsecs.Ec2ServiceProps{Cluster: cluster, TaskDefinition: task, MinHealthyPercent: jsii.Number(100)})
	// WHEN the aspect is applied
	privatepull.MakePrivate(stack, nil)
	s := templateOf(t, stack)
	// THEN it is left alone, with a warning
	if n := len(s.resources("AWS::EC2::VPCEndpoint")); n != 0 {
		t.Errorf("%d endpoints created for an EC2 service", n)
	}
	if got := withText(messages(stack, false), "privatepull:notFargate", "Ec2/Service", "EC2 launch type"); len(got) != 1 {
		t.Errorf("warnings %v", messages(stack, false))
	}
}

func TestAspectReachesStagesOfTheApp(t *testing.T) {
	// GIVEN an App with a Stage holding a service
	app := newApp(nil, false)
	stage := awscdk.NewStage(app, jsii.String("Prod"), nil)
	stack := awscdk.NewStack(stage, jsii.String("Service"), nil)
	plainService(stack, "Api", isolatedVpc(stack), nil)
	// WHEN the aspect is applied to the App
	privatepull.MakePrivate(app, nil)
	if err := catch(func() { app.Synth(nil) }); err != nil {
		t.Fatal(err)
	}
	// THEN the Stage's stack gets its endpoints
	raw, err := os.ReadFile(filepath.Join(*stage.Outdir(), *stack.TemplateFile()))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(raw), "PrivatePullEndpointsVpcClientSecurityGroup") {
		t.Errorf("the Stage's stack was not made private")
	}
	assertPullPathPasses(t, filepath.Join(*stage.Outdir(), *stack.TemplateFile()))
}

func TestAspectImportedVpcWithEndpoints(t *testing.T) {
	// GIVEN a service in a looked-up VPC, and the VPC's endpoint set
	env := &awscdk.Environment{Account: jsii.String(testAccount), Region: jsii.String(testRegion)}
	stack := awscdk.NewStack(newApp(nil, false), jsii.String("Imported"), &awscdk.StackProps{Env: env})
	vpc := awsec2.Vpc_FromLookup(stack, jsii.String("Vpc"), &awsec2.VpcLookupOptions{VpcId: jsii.String(testVpcId)})
	eps := privatepull.NewEndpoints(stack, jsii.String("Endpoints"), &privatepull.EndpointsProps{Vpc: vpc})
	plainService(stack, "Api", vpc, nil)
	// WHEN the aspect is applied with that set
	privatepull.MakePrivate(stack, &privatepull.AspectProps{Endpoints: eps})
	s := templateOf(t, stack)
	// THEN the service joins its client group, no endpoint is added, and the
	// rules pass; a looked-up VPC's DNS and routes are not in the template
	assertPullPathPasses(t, s.path(), pullpath.Undecided)
	client := asJSON(groupId(s.logicalIdOf(t, "Imported/Endpoints/ClientSecurityGroup/Resource")))
	if groups := groupsOfService(t, s, "Imported/Api/Service"); !slices.Contains(groups, client) {
		t.Errorf("groups %v lack the client group", groups)
	}
	if got, want := endpointServices(s), []string{"api", "dkr", "logs", "s3"}; !slices.Equal(got, want) {
		t.Errorf("endpoints %v, want %v", got, want)
	}
	if errs := messages(stack, true); len(errs) > 0 {
		t.Errorf("errors %v", errs)
	}
}

func TestAspectExtendsAnExistingS3Gateway(t *testing.T) {
	// GIVEN an S3 gateway on the first subnet's route table only, and a
	// service in both isolated subnets
	stack := awscdk.NewStack(newApp(nil, false), jsii.String("Gateway"), nil)
	vpc := isolatedVpc(stack)
	gw := vpc.AddGatewayEndpoint(jsii.String("S3"), &awsec2.GatewayVpcEndpointOptions{
		Service: awsec2.GatewayVpcEndpointAwsService_S3(),
		Subnets: &[]*awsec2.SubnetSelection{{Subnets: &[]awsec2.ISubnet{(*vpc.IsolatedSubnets())[0]}}},
	})
	gw.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()}, Actions: jsii.Strings("s3:GetObject"), Resources: jsii.Strings("*"),
	}))
	plainService(stack, "Api", vpc, nil)
	// WHEN the aspect is applied
	privatepull.MakePrivate(stack, nil)
	s := templateOf(t, stack)
	// THEN the gateway covers both route tables, no second gateway is made, and synth says which it added
	assertPullPathPasses(t, s.path())
	check(t, "one gateway on both route tables", func() {
		s.template.ResourcePropertiesCountIs(jsii.String("AWS::EC2::VPCEndpoint"), map[string]any{"VpcEndpointType": "Gateway"}, jsii.Number(1))
		s.template.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), map[string]any{
			"VpcEndpointType": "Gateway",
			"RouteTableIds": []any{ref(s.logicalIdOf(t, "Gateway/Vpc/IsolatedSubnet1/RouteTable")),
				ref(s.logicalIdOf(t, "Gateway/Vpc/IsolatedSubnet2/RouteTable"))},
		})
	})
	if got := withText(messages(stack, false), "privatepull:s3GatewayRouteTables", "the route table of Gateway/Vpc/IsolatedSubnet2 to"); len(got) != 1 {
		t.Errorf("warnings %v", messages(stack, false))
	}
	// AND that it leaves the gateway's policy to its owner
	if got := withText(messages(stack, false), "privatepull:adoptedEndpointPolicy", "Gateway/Vpc/S3/Resource"); len(got) != 1 {
		t.Errorf("warnings %v", messages(stack, false))
	}
}

func TestAspectWarnings(t *testing.T) {
	for name, c := range map[string]struct {
		build func(stack awscdk.Stack)
		want  []string
	}{
		"warns when the tasks get a public IP": {func(stack awscdk.Stack) {
			plainService(stack, "Api", isolatedVpc(stack), func(p *awsecs.FargateServiceProps, _ awsecs.FargateTaskDefinition) {
				p.AssignPublicIp = jsii.Bool(true)
				p.VpcSubnets = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}
			})
		}, []string{"privatepull:publicIp", "ECS service W/Api gives its tasks a public IP"}},
		"skips a VPC with only public subnets": {func(stack awscdk.Stack) {
			vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{MaxAzs: jsii.Number(1), NatGateways: jsii.Number(0),
				SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{Name: jsii.String("Public"), SubnetType: awsec2.SubnetType_PUBLIC}}})
			plainService(stack, "Api", vpc, func(p *awsecs.FargateServiceProps, _ awsecs.FargateTaskDefinition) {
				p.AssignPublicIp = jsii.Bool(true)
			})
		}, []string{"privatepull:publicSubnetsOnly", "W/Vpc, which has only public subnets"}},
	} {
		t.Run(name, func(t *testing.T) {
			stack := awscdk.NewStack(newApp(nil, false), jsii.String("W"), nil)
			c.build(stack)
			privatepull.MakePrivate(stack, nil)
			if got := withText(messages(stack, false), c.want...); len(got) != 1 {
				t.Errorf("warnings %q, want one with %q", messages(stack, false), c.want)
			}
		})
	}
}

func TestAspectBadInput(t *testing.T) {
	// errors at synth, as annotations: ERROR is a part of the message
	atSynth := map[string]struct {
		build func(app awscdk.App) awscdk.Stack
		want  []string
	}{
		"fails when the endpoints set is of another VPC": {func(app awscdk.App) awscdk.Stack {
			stack := awscdk.NewStack(app, jsii.String("Other"), nil)
			other := awsec2.NewVpc(stack, jsii.String("OtherVpc"), &awsec2.VpcProps{MaxAzs: jsii.Number(1), NatGateways: jsii.Number(0),
				SubnetConfiguration: &[]*awsec2.SubnetConfiguration{{Name: jsii.String("I"), SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}}})
			eps := privatepull.NewEndpoints(stack, jsii.String("Endpoints"), &privatepull.EndpointsProps{Vpc: other})
			plainService(stack, "Api", isolatedVpc(stack), nil)
			privatepull.MakePrivate(stack, &privatepull.AspectProps{Endpoints: eps})
			return stack
		}, []string{"AspectProps.Endpoints: got endpoints of VPC Other/OtherVpc, want endpoints of VPC Other/Vpc", "Other/Api"}},
		"fails when an imported VPC has no Endpoints": {func(app awscdk.App) awscdk.Stack {
			env := &awscdk.Environment{Account: jsii.String(testAccount), Region: jsii.String(testRegion)}
			stack := awscdk.NewStack(app, jsii.String("Imported"), &awscdk.StackProps{Env: env})
			vpc := awsec2.Vpc_FromLookup(stack, jsii.String("Vpc"), &awsec2.VpcLookupOptions{VpcId: jsii.String(testVpcId)})
			plainService(stack, "Api", vpc, nil)
			privatepull.MakePrivate(stack, nil)
			return stack
		}, []string{"ECS service Imported/Api", "which the app imports", "AspectProps.Endpoints"}},
		"fails when an isolated task pulls from Docker Hub": {func(app awscdk.App) awscdk.Stack {
			stack := awscdk.NewStack(app, jsii.String("Hub"), nil)
			plainService(stack, "Api", isolatedVpc(stack), func(_ *awsecs.FargateServiceProps, task awsecs.FargateTaskDefinition) {
				task.AddContainer(jsii.String("Proxy"), &awsecs.ContainerDefinitionOptions{Image: awsecs.ContainerImage_FromRegistry(jsii.String("envoyproxy/envoy:v1.31"), nil)})
			})
			privatepull.MakePrivate(stack, nil)
			return stack
		}, []string{"ECS service Hub/Api", "container Proxy pulls envoyproxy/envoy:v1.31", "no VPC endpoint serves", "CannotPullContainerError"}},
	}
	for name, c := range atSynth {
		t.Run(name, func(t *testing.T) {
			stack := c.build(newApp(nil, false))
			errs := messages(stack, true)
			if got := withText(errs, c.want...); len(got) != 1 {
				t.Errorf("errors %q, want one with %q", errs, c.want)
			}
		})
	}

	// errors before synth: *privatepull.Error
	for name, c := range map[string]struct {
		f    func()
		want []string
	}{
		"fails when the prefix-list id is malformed": {func() {
			privatepull.NewAspect(&privatepull.AspectProps{S3PrefixListId: jsii.String("pl-xyz")})
		}, []string{"AspectProps.S3PrefixListId", `"pl-xyz"`, "like pl-63a5400a"}},
		"fails when MakePrivate gets a malformed prefix-list id": {func() {
			privatepull.MakePrivate(awscdk.NewStack(newApp(nil, false), jsii.String("S"), nil), &privatepull.AspectProps{S3PrefixListId: jsii.String("s3")})
		}, []string{"AspectProps.S3PrefixListId", `"s3"`}},
		"fails when a prefix-list id is given with Endpoints": {func() {
			stack := awscdk.NewStack(newApp(nil, false), jsii.String("S"), nil)
			eps := privatepull.NewEndpoints(stack, jsii.String("E"), &privatepull.EndpointsProps{Vpc: isolatedVpc(stack)})
			privatepull.NewAspect(&privatepull.AspectProps{Endpoints: eps, S3PrefixListId: jsii.String("pl-63a5400a")})
		}, []string{"AspectProps.S3PrefixListId", "with Endpoints given"}},
		"fails when an existing interface endpoint is nil": {func() {
			stack := awscdk.NewStack(newApp(nil, false), jsii.String("S"), nil)
			privatepull.NewEndpoints(stack, jsii.String("E"), &privatepull.EndpointsProps{Vpc: isolatedVpc(stack),
				Existing: &privatepull.ExistingEndpoints{InterfaceEndpoints: map[privatepull.InterfaceService]awsec2.IInterfaceVpcEndpoint{privatepull.Logs: nil}}})
		}, []string{"ExistingEndpoints.InterfaceEndpoints[logs]", "an interface endpoint of the app"}},
	} {
		t.Run(name, func(t *testing.T) { wantPanic(t, c.f, c.want...) })
	}

	t.Run("fails when a Stage is created after MakePrivate", func(t *testing.T) {
		app := newApp(nil, false)
		privatepull.MakePrivate(app, nil)
		stack := awscdk.NewStack(awscdk.NewStage(app, jsii.String("Late"), nil), jsii.String("Service"), nil)
		plainService(stack, "Api", isolatedVpc(stack), nil)
		err := catch(func() { app.Synth(nil) })
		if err == nil || !strings.Contains(err.Error(), "ECS service Late/Service/Api is in Stage Late, created after MakePrivate") {
			t.Errorf("synth: got %v", err)
		}
	})
}
