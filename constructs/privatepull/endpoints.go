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
	// SharedVpc says other workloads in the VPC reach AWS services through
	// a NAT or internet gateway. A new private-DNS endpoint answers its
	// service's name for every subnet of the VPC, and the S3 gateway carries
	// all S3 traffic of its route tables, so the endpoints the set creates
	// then admit tcp/443 from the VPC's CIDR as well as from the client
	// group, and get no endpoint policy (AWS's default: full access): those
	// workloads keep working, now through the endpoints.
	//
	// Default: false; the endpoints admit the client group only and their
	// policies allow only the pull path.
	SharedVpc *bool
}

// ExistingEndpoints names endpoints a VPC already has, by id or as
// constructs of the app. privatepull does not change their settings: it
// trusts that the interface endpoints have private DNS on, are in the VPC
// given, and that their policies allow the pull; and that the gateway
// endpoint is on the route tables of EndpointsProps.Subnets with a policy
// that allows the ECR layer bucket. It adds one ingress rule (tcp/443 from
// its client group) to each of their security groups.
type ExistingEndpoints struct {
	// InterfaceEndpointIds maps services to the ids (vpce-...) of interface
	// endpoints the VPC has, all behind SecurityGroup.
	//
	// Default: none.
	InterfaceEndpointIds map[InterfaceService]*string
	// SecurityGroup is the security group of the endpoints in
	// InterfaceEndpointIds. Required when InterfaceEndpointIds names any.
	//
	// Default: none.
	SecurityGroup awsec2.ISecurityGroup
	// InterfaceEndpoints maps services to interface endpoints of the app
	// (awsec2.NewInterfaceVpcEndpoint, Vpc.AddInterfaceEndpoint, or imported
	// with their groups), each behind the security groups its Connections
	// hold. A service may be named here or in InterfaceEndpointIds, not both.
	//
	// Default: none.
	InterfaceEndpoints map[InterfaceService]awsec2.IInterfaceVpcEndpoint
	// S3GatewayEndpointId is the id of an S3 gateway endpoint already on the
	// route tables of the subnets.
	//
	// Default: none; one is created (or S3Gateway is used).
	S3GatewayEndpointId *string
	// S3Gateway is an S3 gateway endpoint of the app, on the route tables of
	// the subnets. Give it or S3GatewayEndpointId, not both.
	//
	// Default: none; one is created (or S3GatewayEndpointId is used).
	S3Gateway awsec2.IGatewayVpcEndpoint
}

// Endpoints is the set of VPC endpoints a private pull needs: ecr.api and
// ecr.dkr (the registry), logs (awslogs), and an S3 gateway endpoint (image
// layers), plus secretsmanager, ssm, kms and ssmmessages when a service
// needs them; with one security group for the new interface endpoints and
// one "client" group that tasks join to reach them. Create one per VPC and
// share it among all services there.
//
// The sets the aspect (MakePrivate) creates hold only what their services
// need: there, a getter returns nil for an endpoint the set has not got.
type Endpoints interface {
	constructs.Construct
	// Vpc returns the VPC the endpoints serve.
	Vpc() awsec2.IVpc
	// SubnetSelection returns the selection of subnets the endpoints serve.
	SubnetSelection() *awsec2.SubnetSelection
	// SecurityGroup returns the new interface endpoints' security group,
	// which admits tcp/443 from the client group only (nil in an aspect's
	// set that has created no interface endpoint).
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
	// AddInterfaceEndpoint returns the set's endpoint of service (one it
	// created or one it was given in ExistingEndpoints), creating it first
	// when the set has none.
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
	shared       bool // SharedVpc: open to the VPC's CIDR, no policies
	onDemand     bool // the aspect's sets: nothing is created until asked
	group        awsec2.ISecurityGroup
	clientGroup  awsec2.ISecurityGroup
	interfaces   map[InterfaceService]awsec2.IInterfaceVpcEndpoint
	adopted      map[InterfaceService]bool // endpoints the set did not create
	pullGrants   []awsiam.PolicyStatement  // the ECR endpoints' AllowImagePull statements
	s3           awsec2.IGatewayVpcEndpoint
	s3Own        bool // s3 was created by an on-demand set, which may extend it silently
	prefixListId *string
	gateways     []awsec2.CfnVPCEndpoint // the VPC's S3 gateways the aspect can see, the set's own first
	discovered   bool                    // the aspect has adopted the app's endpoints in the VPC
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
	return newEndpoints(scope, id, props, false)
}

// newEndpoints creates a set. An on-demand set (the aspect's) creates no
// endpoint up front: the aspect adds the ones its services need.
func newEndpoints(scope constructs.Construct, id *string, props *EndpointsProps, onDemand bool) *endpoints {
	subnets, err := props.validate()
	if err != nil {
		panic(err)
	}
	e := &endpoints{
		vpc: props.Vpc, subnets: subnets, onDemand: onDemand,
		shared:     props.SharedVpc != nil && *props.SharedVpc,
		interfaces: map[InterfaceService]awsec2.IInterfaceVpcEndpoint{},
		adopted:    map[InterfaceService]bool{},
	}
	if props.Existing != nil {
		e.existing = *props.Existing
	}
	constructs.NewConstruct_Override(e, scope, id)
	stack := awscdk.Stack_Of(e)
	e.accounts = append([]*string{stack.Account()}, deref(props.PrincipalAccounts)...)

	e.clientGroup = awsec2.NewSecurityGroup(e, jsii.String("ClientSecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              props.Vpc,
		Description:      jsii.String("privatepull endpoint clients: tcp/443 to the endpoints and the S3 prefix list"),
		AllowAllOutbound: jsii.Bool(false),
	})
	if !onDemand {
		e.endpointGroup()
	}
	if existing := e.existing.SecurityGroup; existing != nil {
		e.allowClients(existing)
	}

	e.prefixListId = s3PrefixListId(e, props.S3PrefixListId)
	markS3PrefixList(e.clientGroup, func() {
		e.clientGroup.AddEgressRule(awsec2.Peer_PrefixList(e.prefixListId), https(),
			jsii.String("to S3 (ECR image layers) through the gateway endpoint"), nil)
	})

	for _, s := range allServices {
		if ep := e.existing.InterfaceEndpoints[s]; ep != nil {
			e.adopt(s, ep)
		}
	}
	if !onDemand {
		for _, s := range append(slices.Clone(requiredServices), deref(props.Services)...) {
			e.AddInterfaceEndpoint(s)
		}
	}

	switch {
	case e.existing.S3GatewayEndpointId != nil:
		e.s3 = awsec2.GatewayVpcEndpoint_FromGatewayVpcEndpointId(e, jsii.String("S3"), e.existing.S3GatewayEndpointId)
	case e.existing.S3Gateway != nil:
		e.s3 = e.existing.S3Gateway
	case !onDemand:
		e.s3 = e.newS3Gateway(subnets, deref(props.S3PolicyStatements))
	}
	return e
}

// newS3Gateway creates the set's S3 gateway endpoint on the route tables of
// subnets, with a policy that allows the ECR layer bucket and statements
// (none in a shared VPC: AWS's default policy).
func (e *endpoints) newS3Gateway(subnets *awsec2.SubnetSelection, statements []awsiam.PolicyStatement) awsec2.GatewayVpcEndpoint {
	s3 := awsec2.NewGatewayVpcEndpoint(e, jsii.String("S3"), &awsec2.GatewayVpcEndpointProps{
		Vpc:     e.vpc,
		Service: awsec2.GatewayVpcEndpointAwsService_S3(),
		Subnets: &[]*awsec2.SubnetSelection{subnets},
	})
	if e.shared {
		return s3
	}
	s3.AddToPolicy(awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowEcrLayerDownloads"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		Actions:    jsii.Strings("s3:GetObject"),
		Resources:  &[]*string{LayerBucketObjectsArn(awscdk.Stack_Of(e))},
	}))
	for _, s := range statements {
		s3.AddToPolicy(s)
	}
	return s3
}

func https() awsec2.Port { return awsec2.Port_Tcp(jsii.Number(443)) }

// endpointGroup returns the security group of the set's new interface
// endpoints, creating it on first use. It admits tcp/443 from the client
// group (and, in a shared VPC, from the VPC's CIDR).
func (e *endpoints) endpointGroup() awsec2.ISecurityGroup {
	if e.group != nil {
		return e.group
	}
	e.group = awsec2.NewSecurityGroup(e, jsii.String("SecurityGroup"), &awsec2.SecurityGroupProps{
		Vpc:              e.vpc,
		Description:      jsii.String("privatepull interface endpoints: tcp/443 from the client group only"),
		AllowAllOutbound: jsii.Bool(false),
	})
	e.allowClients(e.group)
	if e.shared {
		e.group.AddIngressRule(awsec2.Peer_Ipv4(e.vpc.VpcCidrBlock()), https(),
			jsii.String("from the VPC (SharedVpc: its other workloads use the endpoints' private DNS names too)"), nil)
		acknowledge(e.group, "CdkNagValidationFailure",
			"SharedVpc: the endpoints admit the VPC's CIDR, a token cdk-nag cannot read; it is never 0.0.0.0/0", "AwsSolutions-EC23")
	}
	return e.group
}

// allowClients opens tcp/443 from the client group to an endpoint group,
// both ways.
func (e *endpoints) allowClients(group awsec2.ISecurityGroup) {
	group.AddIngressRule(e.clientGroup, https(), jsii.String("from privatepull endpoint clients"), nil)
	e.clientGroup.AddEgressRule(group, https(), jsii.String("to the privatepull interface endpoints"), nil)
}

// adopt makes an interface endpoint the set did not create the set's
// endpoint of service, and lets the client group reach its groups.
func (e *endpoints) adopt(service InterfaceService, ep awsec2.IInterfaceVpcEndpoint) {
	if _, ok := e.interfaces[service]; ok {
		return
	}
	e.interfaces[service] = ep
	e.adopted[service] = true
	for _, g := range *ep.Connections().SecurityGroups() {
		e.allowClients(g)
	}
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
		e.adopted[service] = true
		return ep
	}
	ep := awsec2.NewInterfaceVpcEndpoint(e, jsii.String(info.id), &awsec2.InterfaceVpcEndpointProps{
		Vpc:               e.vpc,
		Service:           info.endpoint(),
		Subnets:           e.subnets,
		PrivateDnsEnabled: jsii.Bool(true),
		Open:              jsii.Bool(false),
		SecurityGroups:    &[]awsec2.ISecurityGroup{e.endpointGroup()},
	})
	if !e.shared {
		for _, s := range e.policyFor(service) {
			ep.AddToPolicy(s)
			if *s.Sid() == "AllowImagePull" {
				e.pullGrants = append(e.pullGrants, s)
			}
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
