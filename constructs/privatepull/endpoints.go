package privatepull

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
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
	// PullAccounts are further AWS account ids whose principals may pull
	// images through the ECR endpoints and write logs through the logs
	// endpoint.
	//
	// Default: none; only principals of the stack's account.
	PullAccounts *[]*string
}

// Endpoints is the set of VPC endpoints a private pull needs: ecr.api and
// ecr.dkr (the registry), logs (awslogs), and an S3 gateway endpoint (image
// layers), with one security group for the interface endpoints and one
// "client" group that tasks join to reach them. Create one per VPC and share
// it among all services there.
type Endpoints interface {
	constructs.Construct
	// Vpc returns the VPC the endpoints serve.
	Vpc() awsec2.IVpc
	// SubnetSelection returns the selection of subnets the endpoints serve.
	SubnetSelection() *awsec2.SubnetSelection
	// SecurityGroup returns the interface endpoints' security group, which
	// admits tcp/443 from the client group only.
	SecurityGroup() awsec2.ISecurityGroup
	// ClientSecurityGroup returns the group a task joins to use the
	// endpoints: it may send tcp/443 to the endpoint group and to the S3
	// prefix list, and nothing else.
	ClientSecurityGroup() awsec2.ISecurityGroup
	// EcrApi returns the com.amazonaws.REGION.ecr.api interface endpoint.
	EcrApi() awsec2.IInterfaceVpcEndpoint
	// EcrDkr returns the com.amazonaws.REGION.ecr.dkr interface endpoint.
	EcrDkr() awsec2.IInterfaceVpcEndpoint
	// Logs returns the com.amazonaws.REGION.logs interface endpoint.
	Logs() awsec2.IInterfaceVpcEndpoint
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
	group        awsec2.ISecurityGroup
	clientGroup  awsec2.ISecurityGroup
	ecrApi       awsec2.IInterfaceVpcEndpoint
	ecrDkr       awsec2.IInterfaceVpcEndpoint
	logs         awsec2.IInterfaceVpcEndpoint
	s3           awsec2.IGatewayVpcEndpoint
	prefixListId *string
}

func (e *endpoints) Vpc() awsec2.IVpc                           { return e.vpc }
func (e *endpoints) SubnetSelection() *awsec2.SubnetSelection   { return e.subnets }
func (e *endpoints) SecurityGroup() awsec2.ISecurityGroup       { return e.group }
func (e *endpoints) ClientSecurityGroup() awsec2.ISecurityGroup { return e.clientGroup }
func (e *endpoints) EcrApi() awsec2.IInterfaceVpcEndpoint       { return e.ecrApi }
func (e *endpoints) EcrDkr() awsec2.IInterfaceVpcEndpoint       { return e.ecrDkr }
func (e *endpoints) Logs() awsec2.IInterfaceVpcEndpoint         { return e.logs }
func (e *endpoints) S3() awsec2.IGatewayVpcEndpoint             { return e.s3 }
func (e *endpoints) S3PrefixListId() *string                    { return e.prefixListId }

// NewEndpoints creates the endpoints of a private pull path in one VPC.
// It panics with an *Error when props cannot make a working path.
func NewEndpoints(scope constructs.Construct, id *string, props *EndpointsProps) Endpoints {
	subnets, err := props.validate()
	if err != nil {
		panic(err)
	}
	e := &endpoints{vpc: props.Vpc, subnets: subnets}
	constructs.NewConstruct_Override(e, scope, id)
	stack := awscdk.Stack_Of(e)

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
	https := awsec2.Port_Tcp(jsii.Number(443))
	e.group.AddIngressRule(e.clientGroup, https, jsii.String("from privatepull endpoint clients"), nil)
	e.clientGroup.AddEgressRule(e.group, https, jsii.String("to the privatepull interface endpoints"), nil)

	e.prefixListId = s3PrefixListId(e, props.S3PrefixListId)
	e.clientGroup.AddEgressRule(awsec2.Peer_PrefixList(e.prefixListId), https,
		jsii.String("to S3 (ECR image layers) through the gateway endpoint"), nil)

	accounts := append([]*string{stack.Account()}, deref(props.PullAccounts)...)
	e.ecrApi = e.interfaceEndpoint("EcrApi", awsec2.InterfaceVpcEndpointAwsService_ECR(), ecrPullStatements(stack, accounts))
	e.ecrDkr = e.interfaceEndpoint("EcrDkr", awsec2.InterfaceVpcEndpointAwsService_ECR_DOCKER(), ecrPullStatements(stack, accounts))
	e.logs = e.interfaceEndpoint("Logs", awsec2.InterfaceVpcEndpointAwsService_CLOUDWATCH_LOGS(), logsStatements(stack, accounts))

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

func (e *endpoints) interfaceEndpoint(id string, service awsec2.IInterfaceVpcEndpointService, statements []awsiam.PolicyStatement) awsec2.IInterfaceVpcEndpoint {
	ep := awsec2.NewInterfaceVpcEndpoint(e, jsii.String(id), &awsec2.InterfaceVpcEndpointProps{
		Vpc:               e.vpc,
		Service:           service,
		Subnets:           e.subnets,
		PrivateDnsEnabled: jsii.Bool(true),
		Open:              jsii.Bool(false),
		SecurityGroups:    &[]awsec2.ISecurityGroup{e.group},
	})
	for _, s := range statements {
		ep.AddToPolicy(s)
	}
	return ep
}

// LayerBucketObjectsArn returns the ARN pattern of the objects in the S3
// bucket that ECR serves image layers from in the stack's region:
// arn:PARTITION:s3:::prod-REGION-starport-layer-bucket/*.
func LayerBucketObjectsArn(stack awscdk.Stack) *string {
	return jsii.String(fmt.Sprintf("arn:%s:s3:::prod-%s-starport-layer-bucket/*", *stack.Partition(), *stack.Region()))
}

// ecrPullStatements allow what a pull needs, to principals of the given
// accounts: a registry token (which has no resource) and the image reads.
func ecrPullStatements(stack awscdk.Stack, accounts []*string) []awsiam.PolicyStatement {
	cond := principalAccounts(accounts)
	return []awsiam.PolicyStatement{
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("AllowRegistryAuth"),
			Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
			Actions:    jsii.Strings("ecr:GetAuthorizationToken"),
			Resources:  jsii.Strings("*"),
			Conditions: &cond,
		}),
		awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String("AllowImagePull"),
			Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
			Actions:    jsii.Strings(pullActions...),
			Resources:  perAccount(stack, "arn:%s:ecr:%s:%s:repository/*", accounts),
			Conditions: &cond,
		}),
	}
}

// pullActions are the repository actions of an image pull.
var pullActions = []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}

func logsStatements(stack awscdk.Stack, accounts []*string) []awsiam.PolicyStatement {
	cond := principalAccounts(accounts)
	return []awsiam.PolicyStatement{awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
		Sid:        jsii.String("AllowLogWrites"),
		Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
		Actions:    jsii.Strings("logs:CreateLogStream", "logs:PutLogEvents"),
		Resources:  perAccount(stack, "arn:%s:logs:%s:%s:log-group:*", accounts),
		Conditions: &cond,
	})}
}

// perAccount fills format (partition, region, account) once per account.
func perAccount(stack awscdk.Stack, format string, accounts []*string) *[]*string {
	arns := make([]*string, len(accounts))
	for i, a := range accounts {
		arns[i] = jsii.String(fmt.Sprintf(format, *stack.Partition(), *stack.Region(), *a))
	}
	return &arns
}

func principalAccounts(accounts []*string) map[string]any {
	return map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": accounts}}
}

func deref[T any](p *[]T) []T {
	if p == nil {
		return nil
	}
	return *p
}
