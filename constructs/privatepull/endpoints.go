package privatepull

import (
	"fmt"
	"slices"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecr"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// EndpointsProps configures NewEndpoints.
type EndpointsProps struct {
	// Vpc is the VPC whose subnets the endpoints serve. Required.
	Vpc awsec2.IVpc
	// Subnets are where the interface endpoints place their network
	// interfaces (one per availability zone) and whose route tables get the
	// S3 gateway endpoint's route. Tasks must run in subnets whose route
	// tables are among these.
	//
	// Default: the VPC's isolated subnets, or its private subnets when it has
	// no isolated ones.
	Subnets *awsec2.SubnetSelection
	// Services are further interface endpoints to create up front, besides
	// ecr.api, ecr.dkr and logs. Services add what they need on their own
	// (AddInterfaceEndpoint), so this is for tasks the library did not build.
	//
	// Default: none.
	Services *[]InterfaceService
	// Existing names endpoints the VPC already has, to use instead of new
	// ones. A VPC can hold only one private-DNS endpoint per service and a
	// route table only one S3 gateway route, so a VPC with endpoints must
	// be given them here.
	//
	// Default: none; every endpoint is created.
	Existing *ExistingEndpoints
	// S3PrefixListId is the id (pl-...) of the AWS-managed prefix list
	// com.amazonaws.REGION.s3 that the client group may reach on tcp/443.
	//
	// Default: looked up. A stack with a concrete account and region uses a
	// context lookup (answered once with credentials, then from
	// cdk.context.json); an environment-agnostic stack resolves it at deploy
	// time with a custom resource calling ec2:DescribeManagedPrefixLists.
	S3PrefixListId *string
	// S3PolicyStatements are added to the S3 gateway endpoint's policy. Every
	// S3 request from the route tables the endpoint is on goes through it, so
	// add the buckets other workloads in those subnets need.
	//
	// Default: none; the policy allows only s3:GetObject on the ECR layer
	// bucket of the stack's region.
	S3PolicyStatements *[]awsiam.PolicyStatement
	// PrincipalAccounts are further AWS account ids whose principals may use
	// the interface endpoints (pull through them, write logs, read secrets).
	//
	// Default: none; only principals of the stack's account.
	PrincipalAccounts *[]*string
}

// ExistingEndpoints names endpoints a VPC already has. privatepull cannot
// see their settings: it trusts that the interface endpoints have private DNS
// on, are in the VPC given, and that their policies allow the pull; and that
// the gateway endpoint is on the route tables of EndpointsProps.Subnets with
// a policy that allows the ECR layer bucket. It adds one ingress rule (tcp/443
// from its client group) to SecurityGroup.
type ExistingEndpoints struct {
	// InterfaceEndpointIds maps services to the ids (vpce-...) of interface
	// endpoints the VPC has. Services not named here are created.
	InterfaceEndpointIds map[InterfaceService]*string
	// SecurityGroup is the security group of those interface endpoints.
	// Required when InterfaceEndpointIds names any.
	SecurityGroup awsec2.ISecurityGroup
	// S3GatewayEndpointId is the id of an S3 gateway endpoint already on the
	// route tables of the subnets. Default: none; one is created.
	S3GatewayEndpointId *string
}

// Endpoints is the set of VPC endpoints a private pull needs: ecr.api and
// ecr.dkr (the registry), logs (awslogs), and an S3 gateway endpoint (image
// layers), plus secretsmanager, ssm, kms and ssmmessages when a service
// needs them; with one security group for the new interface endpoints and
// one "client" group that tasks join to reach them. Create one per VPC and
// share it among all services there.
type Endpoints interface {
	constructs.Construct
	// Vpc returns the VPC the endpoints serve.
	Vpc() awsec2.IVpc
	// SubnetSelection returns the selection of subnets the endpoints serve.
	SubnetSelection() *awsec2.SubnetSelection
	// SecurityGroup returns the new interface endpoints' security group,
	// which admits tcp/443 from the client group only.
	SecurityGroup() awsec2.ISecurityGroup
	// ClientSecurityGroup returns the group a task joins to use the
	// endpoints: it may send tcp/443 to the endpoint groups and to the S3
	// prefix list, and nothing else.
	ClientSecurityGroup() awsec2.ISecurityGroup
	// EcrApi returns the com.amazonaws.REGION.ecr.api interface endpoint.
	EcrApi() awsec2.IInterfaceVpcEndpoint
	// EcrDkr returns the com.amazonaws.REGION.ecr.dkr interface endpoint.
	EcrDkr() awsec2.IInterfaceVpcEndpoint
	// Logs returns the com.amazonaws.REGION.logs interface endpoint.
	Logs() awsec2.IInterfaceVpcEndpoint
	// InterfaceEndpoint returns the set's endpoint of service, or nil.
	InterfaceEndpoint(service InterfaceService) awsec2.IInterfaceVpcEndpoint
	// AddInterfaceEndpoint returns the set's endpoint of service, creating
	// it first when the set has none.
	AddInterfaceEndpoint(service InterfaceService) awsec2.IInterfaceVpcEndpoint
	// AllowPullFrom lets tasks pull through the ECR endpoints from a
	// repository of another account (the stack's account is always allowed).
	// Existing endpoints' policies are not changed.
	AllowPullFrom(repository awsecr.IRepository)
	// S3 returns the S3 gateway endpoint.
	S3() awsec2.IGatewayVpcEndpoint
	// S3PrefixListId returns the id of the S3 managed prefix list (a token
	// when it is resolved at deploy time).
	S3PrefixListId() *string
}

type endpoints struct {
	constructs.Construct
	vpc          awsec2.IVpc
	subnets      *awsec2.SubnetSelection
	existing     ExistingEndpoints
	accounts     []*string
	group        awsec2.ISecurityGroup
	clientGroup  awsec2.ISecurityGroup
	interfaces   map[InterfaceService]awsec2.IInterfaceVpcEndpoint
	pullGrants   []awsiam.PolicyStatement // the ECR endpoints' AllowImagePull statements
	s3           awsec2.IGatewayVpcEndpoint
	prefixListId *string
}

func (e *endpoints) Vpc() awsec2.IVpc                           { return e.vpc }
func (e *endpoints) SubnetSelection() *awsec2.SubnetSelection   { return e.subnets }
func (e *endpoints) SecurityGroup() awsec2.ISecurityGroup       { return e.group }
func (e *endpoints) ClientSecurityGroup() awsec2.ISecurityGroup { return e.clientGroup }
func (e *endpoints) EcrApi() awsec2.IInterfaceVpcEndpoint       { return e.interfaces[EcrApi] }
func (e *endpoints) EcrDkr() awsec2.IInterfaceVpcEndpoint       { return e.interfaces[EcrDkr] }
func (e *endpoints) Logs() awsec2.IInterfaceVpcEndpoint         { return e.interfaces[Logs] }
func (e *endpoints) S3() awsec2.IGatewayVpcEndpoint             { return e.s3 }
func (e *endpoints) S3PrefixListId() *string                    { return e.prefixListId }

func (e *endpoints) InterfaceEndpoint(service InterfaceService) awsec2.IInterfaceVpcEndpoint {
	return e.interfaces[service]
}

// NewEndpoints creates the endpoints of a private pull path in one VPC.
// It panics with an *Error when props cannot make a working path.
func NewEndpoints(scope constructs.Construct, id *string, props *EndpointsProps) Endpoints {
	subnets, err := props.validate()
	if err != nil {
		panic(err)
	}
	e := &endpoints{vpc: props.Vpc, subnets: subnets, interfaces: map[InterfaceService]awsec2.IInterfaceVpcEndpoint{}}
	if props.Existing != nil {
		e.existing = *props.Existing
	}
	constructs.NewConstruct_Override(e, scope, id)
	stack := awscdk.Stack_Of(e)
	e.accounts = append([]*string{stack.Account()}, deref(props.PrincipalAccounts)...)

	e.group = awsec2.NewSecurityGroup(e, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              props.Vpc,
		Description:      jsii.String("privatepull interface endpoints: tcp/443 from the client group only"),
		AllowAllOutbound: jsii.Bool(false),
	})
	e.clientGroup = awsec2.NewSecurityGroup(e, jsii.String("ClientSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              props.Vpc,
		Description:      jsii.String("privatepull endpoint clients: tcp/443 to the endpoints and the S3 prefix list"),
		AllowAllOutbound: jsii.Bool(false),
	})
	e.allowClients(e.group)
	if existing := e.existing.SecurityGroup; existing != nil {
		e.allowClients(existing)
	}

	e.prefixListId = s3PrefixListId(e, props.S3PrefixListId)
	e.clientGroup.AddEgressRule(awsec2.Peer_PrefixList(e.prefixListId), https(),
		jsii.String("to S3 (ECR image layers) through the gateway endpoint"), nil)

	for _, s := range append(slices.Clone(requiredServices), deref(props.Services)...) {
		e.AddInterfaceEndpoint(s)
	}

	if id := e.existing.S3GatewayEndpointId; id != nil {
		e.s3 = awsec2.GatewayVpcEndpoint_FromGatewayVpcEndpointId(e, jsii.String("S3"), id)
		return e
	}
	s3 := awsec2.NewGatewayVpcEndpoint(e, jsii.String("S3"), &awsec2.GatewayVpcEndpointProps{
		Vpc:     props.Vpc,
		Service: awsec2.GatewayVpcEndpointAwsService_S3(),
		Subnets: &[]*awsec2.SubnetSelection{subnets},
	})
	s3.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowEcrLayerDownloads"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		Actions:    jsii.Strings("s3:GetObject"),
		Resources:  &[]*string{LayerBucketObjectsArn(stack)},
	}))
	for _, s := range deref(props.S3PolicyStatements) {
		s3.AddToPolicy(s)
	}
	e.s3 = s3
	return e
}

func https() awsec2.Port { return awsec2.Port_Tcp(jsii.Number(443)) }

// allowClients opens tcp/443 from the client group to an endpoint group,
// both ways.
func (e *endpoints) allowClients(group awsec2.ISecurityGroup) {
	group.AddIngressRule(e.clientGroup, https(), jsii.String("from privatepull endpoint clients"), nil)
	e.clientGroup.AddEgressRule(group, https(), jsii.String("to the privatepull interface endpoints"), nil)
}

func (e *endpoints) AddInterfaceEndpoint(service InterfaceService) awsec2.IInterfaceVpcEndpoint {
	if ep, ok := e.interfaces[service]; ok {
		return ep
	}
	info, known := services[service]
	if !known {
		panic(errorf("InterfaceService", string(service), "one of ecr.api, ecr.dkr, logs, secretsmanager, ssm, kms, ssmmessages"))
	}
	if id := e.existing.InterfaceEndpointIds[service]; id != nil {
		ep := awsec2.InterfaceVpcEndpoint_FromInterfaceVpcEndpointAttributes(e, jsii.String(info.id), &awsec2.InterfaceVpcEndpointAttributes{
			VpcEndpointId:  id,
			Port:           jsii.Number(443),
			SecurityGroups: &[]awsec2.ISecurityGroup{e.existing.SecurityGroup},
		})
		e.interfaces[service] = ep
		return ep
	}
	ep := awsec2.NewInterfaceVpcEndpoint(e, jsii.String(info.id), &awsec2.InterfaceVpcEndpointProps{
		Vpc:               e.vpc,
		Service:           info.endpoint(),
		Subnets:           e.subnets,
		PrivateDnsEnabled: jsii.Bool(true),
		Open:              jsii.Bool(false),
		SecurityGroups:    &[]awsec2.ISecurityGroup{e.group},
	})
	for _, s := range e.policyFor(service) {
		ep.AddToPolicy(s)
		if *s.Sid() == "AllowImagePull" {
			e.pullGrants = append(e.pullGrants, s)
		}
	}
	e.interfaces[service] = ep
	return ep
}

func (e *endpoints) AllowPullFrom(repository awsecr.IRepository) {
	for _, s := range e.pullGrants {
		s.AddResources(repository.RepositoryArn())
	}
}

// LayerBucketObjectsArn returns the ARN pattern of the objects in the S3
// bucket that ECR serves image layers from in the stack's region:
// arn:PARTITION:s3:::prod-REGION-starport-layer-bucket/*.
func LayerBucketObjectsArn(stack awscdk.Stack) *string {
	return jsii.String(fmt.Sprintf("arn:%s:s3:::prod-%s-starport-layer-bucket/*", *stack.Partition(), *stack.Region()))
}

// deref and derefMap read optional props.
func deref[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}

func derefMap[K comparable, V any](m *map[K]V) map[K]V {
	if m == nil {
		return nil
	}
	return *m
}
