package privatepull

import (
	"regexp"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
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
	// WritableRootFilesystem lets the container write to its root
	// filesystem.
	//
	// Default: false; the root filesystem is read-only.
	WritableRootFilesystem *bool
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
}

type fargateService struct {
	constructs.Construct
	service   awsecs.FargateService
	taskDef   awsecs.FargateTaskDefinition
	container awsecs.ContainerDefinition
	group     awsec2.ISecurityGroup
	endpoints Endpoints
}

func (s *fargateService) Service() awsecs.FargateService               { return s.service }
func (s *fargateService) TaskDefinition() awsecs.FargateTaskDefinition { return s.taskDef }
func (s *fargateService) Container() awsecs.ContainerDefinition        { return s.container }
func (s *fargateService) SecurityGroup() awsec2.ISecurityGroup         { return s.group }
func (s *fargateService) Endpoints() Endpoints                         { return s.endpoints }

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
		cluster = awsecs.NewCluster(s, jsii.String("Cluster"), &awsecs.ClusterProps{
			Vpc:                 props.Vpc,
			ContainerInsightsV2: awsecs.ContainerInsights_ENABLED,
		})
	}
	retention := props.LogRetention
	if retention == "" {
		retention = awslogs.RetentionDays_ONE_MONTH
	}
	logGroup := awslogs.NewLogGroup(s, jsii.String("Logs"), &awslogs.LogGroupProps{Retention: retention})

	s.taskDef = awsecs.NewFargateTaskDefinition(s, jsii.String("TaskDefinition"), &awsecs.FargateTaskDefinitionProps{
		Cpu:            orNumber(props.Cpu, 256),
		MemoryLimitMiB: orNumber(props.MemoryLimitMiB, 512),
	})
	var ports *[]*awsecs.PortMapping
	if props.ContainerPort != nil {
		ports = &[]*awsecs.PortMapping{{ContainerPort: props.ContainerPort}}
	}
	s.container = s.taskDef.AddContainer(jsii.String("App"), &awsecs.ContainerDefinitionOptions{
		Image:                  props.Image,
		Logging:                awsecs.LogDriver_AwsLogs(&awsecs.AwsLogDriverProps{LogGroup: logGroup, StreamPrefix: jsii.String("app")}),
		PortMappings:           ports,
		Environment:            props.Environment,
		Command:                props.Command,
		ReadonlyRootFilesystem: jsii.Bool(props.WritableRootFilesystem == nil || !*props.WritableRootFilesystem),
	})
	if err := checkImageName(s.container.ImageName()); err != nil {
		panic(err)
	}
	if policy := s.taskDef.ExecutionRole().Node().TryFindChild(jsii.String("DefaultPolicy")); policy != nil {
		acknowledge(policy, "AwsSolutions-IAM5",
			"ecr:GetAuthorizationToken has no resource; the pull actions are limited to the image's repository", "Resource::*")
	}

	s.group = awsec2.NewSecurityGroup(s, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              props.Vpc,
		Description:      jsii.String("privatepull tasks: no egress of their own; the endpoint client group carries it"),
		AllowAllOutbound: jsii.Bool(false),
	})
	s.service = awsecs.NewFargateService(s, jsii.String("Service"), &awsecs.FargateServiceProps{
		Cluster:           cluster,
		TaskDefinition:    s.taskDef,
		DesiredCount:      orNumber(props.DesiredCount, 1),
		AssignPublicIp:    jsii.Bool(false),
		VpcSubnets:        taskSubnets,
		SecurityGroups:    &[]awsec2.ISecurityGroup{s.group, eps.ClientSecurityGroup()},
		MinHealthyPercent: jsii.Number(100),
		CircuitBreaker:    &awsecs.DeploymentCircuitBreaker{Enable: jsii.Bool(true), Rollback: jsii.Bool(true)},
	})
	s.service.Node().AddDependency(eps)
	return s
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
	path := strings.TrimPrefix(*vpc.Node().Path(), *stack.Node().Path()+"/")
	id := jsii.String("PrivatePullEndpoints" + nonAlnum.ReplaceAllString(path, ""))
	if c := stack.Node().TryFindChild(id); c != nil {
		if e, ok := c.(Endpoints); ok {
			return e
		}
		panic(errorf("SharedEndpoints", "a construct "+*c.Node().Path()+" of another kind", "no construct with the id %s", *id))
	}
	return NewEndpoints(stack, id, &EndpointsProps{Vpc: vpc})
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
