package privatepull

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/aws-cdk-go/awscdk/v2/awselasticloadbalancingv2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/aws-cdk-go/awscdk/v2/awskms"
	"github.com/aws/aws-cdk-go/awscdk/v2/awslogs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// FargateServiceProps configures NewFargateService.
type FargateServiceProps struct {
	// Vpc is the VPC the service runs in. Required.
	Vpc awsec2.IVpc
	// Image is the container image, from a private ECR repository
	// (awsecs.ContainerImage_FromEcrRepository or _FromAsset). Required.
	Image awsecs.ContainerImage
	// Endpoints is the endpoint set the tasks use.
	//
	// Default: the VPC's shared set in this stack (SharedEndpoints), created
	// on first use and reused by every later service in the same VPC and stack.
	Endpoints Endpoints
	// Cluster is the ECS cluster the service runs on.
	//
	// Default: a new cluster in the VPC with Container Insights on.
	Cluster awsecs.ICluster
	// Cpu is the task's CPU units, one of Fargate's sizes.
	//
	// Default: 256 (0.25 vCPU).
	Cpu *float64
	// MemoryLimitMiB is the task's memory; it must pair with Cpu as Fargate
	// allows.
	//
	// Default: 512.
	MemoryLimitMiB *float64
	// DesiredCount is how many tasks run.
	//
	// Default: 1.
	DesiredCount *float64
	// TaskSubnets are the subnets the tasks run in. Their route tables must be
	// among those of the endpoints' subnets, which carry the S3 route.
	//
	// Default: the endpoints' subnets.
	TaskSubnets *awsec2.SubnetSelection
	// ContainerPort is the port the container listens on.
	//
	// Default: no port mapping.
	ContainerPort *float64
	// Environment holds environment variables for the container.
	//
	// Default: none.
	Environment *map[string]*string
	// Command overrides the image's command.
	//
	// Default: the image's command.
	Command *[]*string
	// LogRetention is how long the container's log events are kept.
	//
	// Default: one month.
	LogRetention awslogs.RetentionDays
	// LogKey is a customer-managed KMS key that encrypts the log group; its
	// key policy must let the CloudWatch Logs service principal use it.
	//
	// Default: none; CloudWatch Logs encrypts with its own key.
	LogKey awskms.IKey
	// WritableRootFilesystem lets the container write to its root
	// filesystem.
	//
	// Default: false; the root filesystem is read-only.
	WritableRootFilesystem *bool
	// WritablePaths are folders of the container (e.g. "/tmp") backed by
	// task storage it may write to while the root filesystem stays
	// read-only.
	//
	// Default: none.
	WritablePaths *[]*string
	// Secrets are environment variables taken from Secrets Manager or SSM
	// parameters (awsecs.Secret_FromSecretsManager, _FromSsmParameter). The
	// endpoint set gains the secretsmanager or ssm endpoint they need, and
	// the execution role may read exactly these.
	//
	// Default: none.
	Secrets *map[string]awsecs.Secret
	// SecretsKey is the customer-managed KMS key that encrypts Secrets. The
	// endpoint set gains the kms endpoint, and the execution role may decrypt
	// with this key.
	//
	// Default: none; the secrets use AWS-managed keys.
	SecretsKey awskms.IKey
	// Sidecars are further containers of the task, each with its own log
	// stream; the endpoint set gains what their secrets need.
	//
	// Default: none.
	Sidecars *[]*SidecarProps
	// EnableExecuteCommand turns on ECS Exec. The endpoint set gains the
	// ssmmessages endpoint, and the task role the permissions of the channel.
	//
	// Default: false.
	EnableExecuteCommand *bool
	// ExecKey is a customer-managed KMS key that encrypts ECS Exec sessions;
	// it needs EnableExecuteCommand and a cluster created here. The endpoint
	// set gains the kms endpoint.
	//
	// Default: none; sessions use TLS only.
	ExecKey awskms.IKey
	// LoadBalancer puts an internal Application Load Balancer in front of
	// the service; it needs ContainerPort.
	//
	// Default: none.
	LoadBalancer *LoadBalancerProps
	// PullThroughCachePrefix is the repository prefix of an ECR pull-through
	// cache rule (e.g. "ecr-public") when Image comes from that cache: the
	// execution role may then pull, import upstream images into, and create
	// repositories under PREFIX/. The first pull of an upstream image needs a
	// route to the internet; an isolated VPC can pull only images already
	// cached (synth warns).
	//
	// Default: none.
	PullThroughCachePrefix *string
}

// SidecarProps describes a further container of the task.
type SidecarProps struct {
	// Name is the container's name. Required.
	Name *string
	// Image is the container image, from a private ECR repository. Required.
	Image awsecs.ContainerImage
	// Essential stops the task when this container stops.
	//
	// Default: true, as in ECS.
	Essential *bool
	// Port is the port the container listens on. Default: none.
	Port *float64
	// Environment holds environment variables. Default: none.
	Environment *map[string]*string
	// Command overrides the image's command. Default: the image's command.
	Command *[]*string
	// Secrets are environment variables from Secrets Manager or SSM
	// parameters, as FargateServiceProps.Secrets. Default: none.
	Secrets *map[string]awsecs.Secret
	// WritableRootFilesystem lets the container write to its root
	// filesystem. Default: false.
	WritableRootFilesystem *bool
}

// LoadBalancerProps configures the internal load balancer of a service.
type LoadBalancerProps struct {
	// ListenerPort is the balancer's HTTP port.
	//
	// Default: 80.
	ListenerPort *float64
	// HealthCheckPath is the path the target group checks.
	//
	// Default: "/".
	HealthCheckPath *string
	// Subnets are the balancer's subnets; they must not be public.
	//
	// Default: the task subnets.
	Subnets *awsec2.SubnetSelection
	// AllowFrom is who may reach the listener.
	//
	// Default: the VPC's IPv4 CIDR.
	AllowFrom awsec2.IPeer
}

// FargateService is an ECS Fargate service whose tasks pull their private ECR
// image, write their logs and reach S3 without leaving the VPC.
type FargateService interface {
	constructs.Construct
	// Service returns the ECS service.
	Service() awsecs.FargateService
	// TaskDefinition returns the task definition.
	TaskDefinition() awsecs.FargateTaskDefinition
	// Container returns the application container.
	Container() awsecs.ContainerDefinition
	// SecurityGroup returns the tasks' own security group, which has no
	// egress; the tasks reach the endpoints through the endpoints' client
	// group, which they also join.
	SecurityGroup() awsec2.ISecurityGroup
	// Endpoints returns the endpoint set the tasks use.
	Endpoints() Endpoints
	// LoadBalancer returns the internal load balancer, or nil.
	LoadBalancer() awselasticloadbalancingv2.ApplicationLoadBalancer
}

type fargateService struct {
	constructs.Construct
	service   awsecs.FargateService
	taskDef   awsecs.FargateTaskDefinition
	container awsecs.ContainerDefinition
	group     awsec2.ISecurityGroup
	endpoints Endpoints
	lb        awselasticloadbalancingv2.ApplicationLoadBalancer
}

func (s *fargateService) Service() awsecs.FargateService               { return s.service }
func (s *fargateService) TaskDefinition() awsecs.FargateTaskDefinition { return s.taskDef }
func (s *fargateService) Container() awsecs.ContainerDefinition        { return s.container }
func (s *fargateService) SecurityGroup() awsec2.ISecurityGroup         { return s.group }
func (s *fargateService) Endpoints() Endpoints                         { return s.endpoints }
func (s *fargateService) LoadBalancer() awselasticloadbalancingv2.ApplicationLoadBalancer {
	return s.lb
}

// NewFargateService creates a Fargate service with a complete private pull
// path. It panics with an *Error when props cannot make a working path.
func NewFargateService(scope constructs.Construct, id *string, props *FargateServiceProps) FargateService {
	if err := props.validate(); err != nil {
		panic(err)
	}
	eps := props.Endpoints
	if eps == nil {
		eps = SharedEndpoints(scope, props.Vpc)
	}
	taskSubnets := props.TaskSubnets
	if taskSubnets == nil {
		taskSubnets = eps.SubnetSelection()
	}
	if err := checkRouteTables(props.Vpc, taskSubnets, eps); err != nil {
		panic(err)
	}

	s := &fargateService{endpoints: eps}
	constructs.NewConstruct_Override(s, scope, id)

	cluster := props.Cluster
	if cluster == nil {
		var exec *awsecs.ExecuteCommandConfiguration
		if props.ExecKey != nil {
			exec = &awsecs.ExecuteCommandConfiguration{KmsKey: props.ExecKey, Logging: awsecs.ExecuteCommandLogging_DEFAULT}
		}
		cluster = awsecs.NewCluster(s, jsii.String("Cluster"), &awsecs.ClusterProps{
			Vpc:                         props.Vpc,
			ContainerInsightsV2:         awsecs.ContainerInsights_ENABLED,
			ExecuteCommandConfiguration: exec,
		})
	}
	retention := props.LogRetention
	if retention == "" {
		retention = awslogs.RetentionDays_ONE_MONTH
	}
	logGroup := awslogs.NewLogGroup(s, jsii.String("Logs"), &awslogs.LogGroupProps{Retention: retention, EncryptionKey: props.LogKey})

	s.taskDef = awsecs.NewFargateTaskDefinition(s, jsii.String("TaskDefinition"), &awsecs.FargateTaskDefinitionProps{
		Cpu:            orNumber(props.Cpu, 256),
		MemoryLimitMiB: orNumber(props.MemoryLimitMiB, 512),
	})
	s.container = s.addContainer(logGroup, &SidecarProps{
		Name: jsii.String("App"), Image: props.Image, Port: props.ContainerPort, Environment: props.Environment,
		Command: props.Command, Secrets: props.Secrets, WritableRootFilesystem: props.WritableRootFilesystem,
	})
	for i, dir := range deref(props.WritablePaths) {
		name := jsii.String(fmt.Sprintf("writable-%d", i))
		s.taskDef.AddVolume(&awsecs.Volume{Name: name})
		s.container.AddMountPoints(&awsecs.MountPoint{SourceVolume: name, ContainerPath: dir, ReadOnly: jsii.Bool(false)})
	}
	for _, sc := range deref(props.Sidecars) {
		s.addContainer(logGroup, sc)
	}
	if key := props.SecretsKey; key != nil {
		eps.AddInterfaceEndpoint(Kms)
		key.GrantDecrypt(s.taskDef.ObtainExecutionRole())
	}
	if prefix := props.PullThroughCachePrefix; prefix != nil {
		s.allowPullThroughCache(*prefix)
	}
	if policy := s.taskDef.ObtainExecutionRole().Node().TryFindChild(jsii.String("DefaultPolicy")); policy != nil {
		acknowledge(policy, "AwsSolutions-IAM5",
			"ecr:GetAuthorizationToken has no resource; the pull actions are limited to the image's repository", "Resource::*")
		if prefix := props.PullThroughCachePrefix; prefix != nil {
			acknowledge(policy, "AwsSolutions-IAM5",
				"a pull-through cache creates one repository per upstream image under its prefix; the role may use only those",
				map[string]string{"regex": "/^Resource::arn:.*:repository\\/" + regexp.QuoteMeta(*prefix) + "\\/\\*$/"})
		}
	}

	exec := props.EnableExecuteCommand != nil && *props.EnableExecuteCommand
	if exec {
		eps.AddInterfaceEndpoint(SsmMessages)
		if props.ExecKey != nil {
			eps.AddInterfaceEndpoint(Kms)
		}
	}
	s.group = awsec2.NewSecurityGroup(s, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              props.Vpc,
		Description:      jsii.String("privatepull tasks: no egress of their own; the endpoint client group carries it"),
		AllowAllOutbound: jsii.Bool(false),
	})
	s.service = awsecs.NewFargateService(s, jsii.String("Service"), &awsecs.FargateServiceProps{
		Cluster:              cluster,
		TaskDefinition:       s.taskDef,
		DesiredCount:         orNumber(props.DesiredCount, 1),
		AssignPublicIp:       jsii.Bool(false),
		VpcSubnets:           taskSubnets,
		SecurityGroups:       &[]awsec2.ISecurityGroup{s.group, eps.ClientSecurityGroup()},
		MinHealthyPercent:    jsii.Number(100),
		CircuitBreaker:       &awsecs.DeploymentCircuitBreaker{Enable: jsii.Bool(true), Rollback: jsii.Bool(true)},
		EnableExecuteCommand: props.EnableExecuteCommand,
	})
	if exec {
		if policy := s.taskDef.TaskRole().Node().TryFindChild(jsii.String("DefaultPolicy")); policy != nil {
			acknowledge(policy, "AwsSolutions-IAM5", "the ECS Exec channel actions (ssmmessages) support no resource-level permissions", "Resource::*")
		}
	}
	if props.LoadBalancer != nil {
		s.lb = s.addLoadBalancer(props.Vpc, taskSubnets, props.LoadBalancer, *props.ContainerPort)
	}
	s.service.Node().AddDependency(eps)
	return s
}

// addContainer adds a container that logs to logGroup under its own stream
// prefix, and gives the endpoint set what its secrets need.
func (s *fargateService) addContainer(logGroup awslogs.ILogGroup, c *SidecarProps) awsecs.ContainerDefinition {
	var ports *[]*awsecs.PortMapping
	if c.Port != nil {
		ports = &[]*awsecs.PortMapping{{ContainerPort: c.Port}}
	}
	container := s.taskDef.AddContainer(c.Name, &awsecs.ContainerDefinitionOptions{
		Image:                  c.Image,
		Essential:              c.Essential,
		Logging:                awsecs.LogDriver_AwsLogs(&awsecs.AwsLogDriverProps{LogGroup: logGroup, StreamPrefix: jsii.String(strings.ToLower(*c.Name))}),
		PortMappings:           ports,
		Environment:            c.Environment,
		Command:                c.Command,
		Secrets:                c.Secrets,
		ReadonlyRootFilesystem: jsii.Bool(c.WritableRootFilesystem == nil || !*c.WritableRootFilesystem),
	})
	if err := checkImageName(container.ImageName()); err != nil {
		panic(err)
	}
	for _, secret := range derefMap(c.Secrets) {
		for _, service := range secretServices(secret) {
			s.endpoints.AddInterfaceEndpoint(service)
		}
	}
	return container
}

// allowPullThroughCache lets the execution role pull from, import into and
// create repositories under prefix/, and warns that a first pull needs the
// internet.
func (s *fargateService) allowPullThroughCache(prefix string) {
	stack := awscdk.Stack_Of(s)
	role := s.taskDef.ObtainExecutionRole()
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions:   jsii.Strings("ecr:GetAuthorizationToken"),
		Resources: jsii.Strings("*"),
	}))
	role.AddToPrincipalPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Actions: jsii.Strings(append(slices.Clone(pullActions), "ecr:BatchImportUpstreamImage", "ecr:CreateRepository")...),
		Resources: jsii.Strings(fmt.Sprintf("arn:%s:ecr:%s:%s:repository/%s/*",
			*stack.Partition(), *stack.Region(), *stack.Account(), prefix)),
	}))
	awscdk.Annotations_Of(s).AddWarningV2(jsii.String("privatepull:pullThroughCacheFirstPull"), jsii.String(
		"the image comes from the pull-through cache "+prefix+"/: its first pull fetches the upstream image, which needs a route to the internet; "+
			"in a VPC without one, pull the image once from elsewhere (or create the cached repository) before the tasks start"), nil)
}

// addLoadBalancer puts an internal HTTP load balancer in front of the
// service; only it may reach the tasks, on the container port.
func (s *fargateService) addLoadBalancer(vpc awsec2.IVpc, taskSubnets *awsec2.SubnetSelection, p *LoadBalancerProps, port float64) awselasticloadbalancingv2.ApplicationLoadBalancer {
	subnets := p.Subnets
	if subnets == nil {
		subnets = taskSubnets
	}
	group := awsec2.NewSecurityGroup(s, jsii.String("LoadBalancerSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              vpc,
		Description:      jsii.String("privatepull load balancer: listener from AllowFrom, targets on the container port"),
		AllowAllOutbound: jsii.Bool(false),
	})
	lb := awselasticloadbalancingv2.NewApplicationLoadBalancer(s, jsii.String("LoadBalancer"), &awselasticloadbalancingv2.ApplicationLoadBalancerProps{
		Vpc:                     vpc,
		InternetFacing:          jsii.Bool(false),
		VpcSubnets:              subnets,
		SecurityGroup:           group,
		DropInvalidHeaderFields: jsii.Bool(true),
	})
	listenerPort := orNumber(p.ListenerPort, 80)
	from := p.AllowFrom
	if from == nil {
		from = awsec2.Peer_Ipv4(vpc.VpcCidrBlock())
	}
	group.AddIngressRule(from, awsec2.Port_Tcp(listenerPort), jsii.String("to the listener"), nil)
	if p.AllowFrom == nil {
		acknowledge(group, "CdkNagValidationFailure",
			"the listener is open to the VPC's CIDR, a token cdk-nag cannot read; it is never 0.0.0.0/0", "AwsSolutions-EC23")
	}
	listener := lb.AddListener(jsii.String("Http"), &awselasticloadbalancingv2.BaseApplicationListenerProps{
		Port:     listenerPort,
		Protocol: awselasticloadbalancingv2.ApplicationProtocol_HTTP,
		Open:     jsii.Bool(false),
	})
	path := p.HealthCheckPath
	if path == nil {
		path = jsii.String("/")
	}
	listener.AddTargets(jsii.String("Service"), &awselasticloadbalancingv2.AddApplicationTargetsProps{
		Port:        jsii.Number(port),
		Protocol:    awselasticloadbalancingv2.ApplicationProtocol_HTTP,
		Targets:     &[]awselasticloadbalancingv2.IApplicationLoadBalancerTarget{s.service},
		HealthCheck: &awselasticloadbalancingv2.HealthCheck{Path: path},
	})
	acknowledge(lb, "AwsSolutions-ELB2",
		"an internal balancer of the service; access logs need a bucket of the user's (LoadBalancer().LogAccessLogs)")
	return lb
}

// secretServices returns the endpoints a secret is read through.
func secretServices(secret awsecs.Secret) []InterfaceService {
	return secretServicesOf(secret.Arn())
}

// SharedEndpoints returns the one Endpoints set privatepull keeps for vpc in
// the stack of scope, creating it with default props on first use. It is the
// stack's child "PrivatePullEndpoints" followed by the VPC's path without its
// stack prefix and separators ("PrivatePullEndpointsVpc" for a VPC "Vpc" of
// the same stack).
func SharedEndpoints(scope constructs.Construct, vpc awsec2.IVpc) Endpoints {
	if vpc == nil {
		panic(errorf("SharedEndpoints vpc", "", "a VPC"))
	}
	stack := awscdk.Stack_Of(scope)
	id := sharedEndpointsId(stack, vpc)
	if c := stack.Node().TryFindChild(id); c != nil {
		if e, ok := c.(Endpoints); ok {
			return e
		}
		panic(errorf("SharedEndpoints", "a construct "+*c.Node().Path()+" of another kind", "no construct with the id %s", *id))
	}
	return NewEndpoints(stack, id, &EndpointsProps{Vpc: vpc})
}

// sharedEndpointsId is the id of the shared set of vpc in stack.
func sharedEndpointsId(stack awscdk.Stack, vpc awsec2.IVpc) *string {
	path := strings.TrimPrefix(*vpc.Node().Path(), *stack.Node().Path()+"/")
	return jsii.String("PrivatePullEndpoints" + nonAlnum.ReplaceAllString(path, ""))
}

var nonAlnum = regexp.MustCompile(`[^A-Za-z0-9]`)

func orNumber(p *float64, def float64) *float64 {
	if p == nil {
		return &def
	}
	return p
}

// checkImageName refuses an image that cannot come from a private ECR
// registry. Tokens (asset images, repositories of this app) are not judged.
func checkImageName(name *string) error {
	if name == nil || unresolved(name) || strings.Contains(*name, ".dkr.ecr.") {
		return nil
	}
	return errorf("FargateServiceProps.Image", *name,
		"an image in a private ECR registry (ACCOUNT.dkr.ecr.REGION.amazonaws.com/...); a task with no internet route cannot pull from another registry")
}
