package privatepull

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// AspectProps configures NewAspect and MakePrivate.
type AspectProps struct {
	// Endpoints is the endpoint set (privatepull.NewEndpoints) every service
	// in scope uses; a service in another VPC is then an error. Required for
	// services in a VPC the app imports (awsec2.Vpc_FromLookup,
	// Vpc_FromVpcAttributes), whose endpoints privatepull cannot see.
	//
	// Default: one set per VPC, in the VPC's stack (the one SharedEndpoints
	// returns when a service of the library made it), which adopts the
	// endpoints the app already has in the VPC and creates only the missing
	// ones.
	Endpoints Endpoints
	// S3PrefixListId is the id (pl-...) of the AWS-managed prefix list
	// com.amazonaws.REGION.s3, for the sets the aspect creates.
	//
	// Default: looked up, as EndpointsProps.S3PrefixListId.
	S3PrefixListId *string
	// CreateEndpointsBesideNat lets the aspect create endpoints for services
	// whose tasks have another way out: subnets with a NAT gateway, or a
	// public IP in public subnets. Other workloads of such a VPC reach AWS
	// through that way out, and a new private-DNS endpoint answers for all
	// of them, so the sets the aspect creates in a VPC with NAT or public
	// subnets are then SharedVpc sets: their groups admit the VPC's CIDR as
	// well as the client group, and their endpoints keep AWS's default
	// policies. Synth warns where it creates them.
	//
	// Default: false; there the aspect only lets the tasks reach the
	// endpoints that exist, and warns that the rest of the pull stays on the
	// internet.
	CreateEndpointsBesideNat *bool
}

// NewAspect returns the aspect that MakePrivate adds: for every ECS service
// on Fargate in its scope, it completes the private pull path (see
// MakePrivate). Add it yourself with the priority
// awscdk.AspectPriority_MUTATING(), so that read-only aspects such as
// cdk-nag's, and the validation plugins, see what it adds:
//
//	awscdk.Aspects_Of(stack).Add(privatepull.NewAspect(nil),
//		&awscdk.AspectOptions{Priority: awscdk.AspectPriority_MUTATING()})
//
// Aspects of an App do not reach the stacks inside a Stage: add it to each
// Stage too, or use MakePrivate. It panics with an *Error when props are
// invalid.
func NewAspect(props *AspectProps) awscdk.IAspect {
	if props == nil {
		props = &AspectProps{}
	}
	if err := props.validate(); err != nil {
		panic(err)
	}
	return &aspect{props: *props}
}

// MakePrivate makes every ECS service on Fargate in scope (a stack, a
// Stage or the App, with the stacks of the Stages inside it) pull its image
// privately. At synth, for each service it
//
//   - uses the endpoints the app already has in the service's VPC
//     (ecr.api, ecr.dkr, logs, secretsmanager, ssm, kms, ssmmessages and the
//     S3 gateway), and creates only the missing ones, in one set per VPC kept
//     in the VPC's stack: never a second private-DNS endpoint for a service,
//     nor a second S3 gateway on a route table;
//   - adds the endpoints its task definition needs: logs for awslogs,
//     secretsmanager or ssm for secrets, kms when a customer key of the
//     secrets is visible, ssmmessages for ECS Exec;
//   - makes its tasks join the set's client group, which may send tcp/443 to
//     every endpoint group and to the S3 prefix list, while each endpoint
//     group admits tcp/443 from the client group;
//   - puts the S3 gateway on the route tables of its task subnets;
//   - makes it depend on the endpoints it uses.
//
// Where the tasks have another way out (NAT, or a public IP), it creates
// endpoints only with AspectProps.CreateEndpointsBesideNat. Problems are
// reported as annotations: warnings with ids (acknowledge them with
// awscdk.Annotations.AcknowledgeWarning) and errors that stop synth.
// Applied twice, or on both an App and its stacks, it gives the same
// template.
//
// Aspects of an App are invoked after the Stages inside it are synthesized,
// so MakePrivate adds the aspect to the Stages that exist when it is called:
// call it once the Stages are defined. Synth of the App fails, naming the
// services, when a Stage created later holds a service no aspect reaches.
// It panics with an *Error when props are invalid.
func MakePrivate(scope constructs.IConstruct, props *AspectProps) {
	a := NewAspect(props)
	options := &awscdk.AspectOptions{Priority: awscdk.AspectPriority_MUTATING()}
	awscdk.Aspects_Of(scope).Add(a, options)
	root := *scope.Node().Path()
	for _, c := range *scope.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if *c.Node().Path() != root && *awscdk.Stage_IsStage(c) {
			awscdk.Aspects_Of(c).Add(a, options)
		}
	}
	if *awscdk.Stage_IsStage(scope) {
		scope.Node().AddValidation(&stagesReached{scope: scope})
	}
}

// aspect is what NewAspect returns. It has a field: jsii keeps Go objects
// by address, and two zero-size values share one, so a second aspect
// without a field would be taken for the first and dropped.
type aspect struct {
	props AspectProps
}

func (p *AspectProps) validate() error {
	if id := p.S3PrefixListId; id != nil && !unresolved(id) && !prefixListIdPattern.MatchString(*id) {
		return errorf("AspectProps.S3PrefixListId", show(id),
			"the id of the managed prefix list com.amazonaws.REGION.s3, like pl-63a5400a")
	}
	if p.Endpoints == nil {
		return nil
	}
	if _, ok := p.Endpoints.(*endpoints); !ok {
		return errorf("AspectProps.Endpoints", fmt.Sprintf("a %T", p.Endpoints), "a set made by privatepull.NewEndpoints")
	}
	if p.S3PrefixListId != nil {
		return errorf("AspectProps.S3PrefixListId", show(p.S3PrefixListId)+" with Endpoints given",
			"no S3PrefixListId: the set in Endpoints has its own (EndpointsProps.S3PrefixListId)")
	}
	return nil
}

// Visit completes the private pull path of node when it is an ECS service
// on Fargate. It never panics: a failure becomes an error annotation.
func (a *aspect) Visit(node constructs.IConstruct) {
	svc, ok := node.(awsecs.BaseService)
	if !ok {
		return
	}
	if _, ours := svc.Node().Scope().(FargateService); ours {
		return // NewFargateService built its path
	}
	defer func() {
		if r := recover(); r != nil {
			awscdk.Annotations_Of(svc).AddError(jsii.String(fmt.Sprintf(
				"privatepull: cannot make ECS service %s pull privately: %v", *svc.Node().Path(), r)))
		}
	}()
	a.makePrivate(svc)
}

func (a *aspect) makePrivate(svc awsecs.BaseService) {
	name := *svc.Node().Path()
	cfn, ok := svc.Node().DefaultChild().(awsecs.CfnService)
	if !ok {
		return
	}
	if launch := notFargate(svc, cfn); launch != "" {
		warn(svc, "privatepull:notFargate", fmt.Sprintf("ECS service %s runs on %s, not Fargate: its tasks pull through the "+
			"container instance, not their own network interface, so privatepull leaves it alone", name, launch))
		return
	}
	network := svc.NetworkConfiguration()
	if network == nil {
		return
	}
	awsvpc, ok := network.AwsvpcConfiguration.(*awsecs.CfnService_AwsVpcConfigurationProperty)
	if !ok || awsvpc == nil {
		return
	}
	vpc := a.vpcOf(svc)
	if vpc == nil {
		fail(svc, fmt.Sprintf("privatepull: ECS service %s runs on a cluster whose VPC privatepull cannot see; "+
			"give the VPC's endpoint set in AspectProps.Endpoints", name))
		return
	}
	if e := a.props.Endpoints; e != nil && !sameVpc(e.Vpc(), vpc) {
		fail(svc, fmt.Sprintf("privatepull: AspectProps.Endpoints: got endpoints of VPC %s, want endpoints of VPC %s, where ECS service %s runs "+
			"(apply a separate MakePrivate with its own Endpoints to each VPC's stacks)", *e.Vpc().Node().Path(), *vpc.Node().Path(), name))
		return
	}
	if len(*vpc.PrivateSubnets())+len(*vpc.IsolatedSubnets()) == 0 {
		warn(svc, "privatepull:publicSubnetsOnly", fmt.Sprintf("ECS service %s runs in VPC %s, which has only public subnets: "+
			"there is no private path to build, so privatepull leaves it alone", name, *vpc.Node().Path()))
		return
	}
	if a.props.Endpoints == nil && vpc.Node().DefaultChild() == nil {
		fail(svc, fmt.Sprintf("privatepull: ECS service %s runs in VPC %s, which the app imports (Vpc.fromLookup, fromVpcAttributes): "+
			"privatepull cannot see its endpoints and will not risk a second one; give the VPC's endpoint set in AspectProps.Endpoints "+
			"(privatepull.NewEndpoints, with EndpointsProps.Existing naming the endpoints the VPC has)", name, *vpc.Node().Path()))
		return
	}

	t := inspect(svc, cfn, vpc, awsvpc)
	if t.publicIp {
		warn(svc, "privatepull:publicIp", fmt.Sprintf("ECS service %s gives its tasks a public IP (AssignPublicIp ENABLED): with an "+
			"internet gateway route they pull and call AWS over the internet, not through the endpoints; turn it off and run the tasks "+
			"in private or isolated subnets", name))
	}
	create := !t.wayOut || a.props.CreateEndpointsBesideNat != nil && *a.props.CreateEndpointsBesideNat
	set := a.setFor(vpc, create)
	if set == nil {
		warn(svc, "privatepull:pullThroughNat", fmt.Sprintf("ECS service %s reaches AWS through its subnets' way out (NAT or internet "+
			"gateway), and VPC %s has no endpoints: privatepull created none (AspectProps.CreateEndpointsBesideNat), so the pull stays "+
			"on the internet", name, *vpc.Node().Path()))
		return
	}
	if groups := strs(awsvpc.SecurityGroups); len(groups) >= 5 && !slices.Contains(groups, *set.clientGroup.SecurityGroupId()) {
		fail(svc, fmt.Sprintf("privatepull: ECS service %s already has 5 security groups, the most a task takes: "+
			"merge two so that its tasks can join the endpoints' client group %s", name, *set.clientGroup.Node().Path()))
		return
	}
	set.adoptDiscovered()

	var used []constructs.IDependable
	var created, missing []string
	for _, s := range t.needs {
		ep := set.InterfaceEndpoint(s)
		if ep == nil && create {
			ep = set.AddInterfaceEndpoint(s)
			created = append(created, string(s))
		}
		if ep == nil {
			missing = append(missing, string(s))
			continue
		}
		used = append(used, ep)
	}
	switch s3, new := set.coverS3(svc, t.subnets, create); {
	case s3 == nil:
		missing = append(missing, "the S3 gateway")
	default:
		used = append(used, s3)
		if new {
			created = append(created, "s3")
		}
	}

	if t.wayOut && len(missing) > 0 {
		warn(svc, "privatepull:pullThroughNat", fmt.Sprintf("ECS service %s reaches AWS through its subnets' way out (NAT or internet "+
			"gateway): privatepull created no %s endpoint there (AspectProps.CreateEndpointsBesideNat), so that part of the pull stays on "+
			"the internet", name, strings.Join(missing, ", ")))
	}
	if len(created) > 0 && (t.wayOut || len(*vpc.PrivateSubnets()) > 0) {
		if set.shared {
			warn(set, "privatepull:endpointsBesideNat", fmt.Sprintf("VPC %s has a way out (NAT or internet gateway) and privatepull created "+
				"endpoints in it: their private DNS names answer for every workload of the VPC, so they admit tcp/443 from the VPC's CIDR "+
				"and keep AWS's default policies (SharedVpc)", *vpc.Node().Path()))
		} else {
			warn(set, "privatepull:endpointsBesideNat", fmt.Sprintf("VPC %s also has subnets with a NAT gateway, and privatepull created "+
				"endpoints in it: their private DNS names answer for every workload of the VPC, but they admit only privatepull's client "+
				"group and allow only the pull; workloads that reached these services through the NAT lose them unless they join %s "+
				"(or set AspectProps.CreateEndpointsBesideNat, which opens the endpoints to the VPC)", *vpc.Node().Path(), *set.clientGroup.Node().Path()))
		}
	}
	if !t.wayOut {
		for _, img := range t.images {
			if !unresolved(&img.name) && !strings.Contains(img.name, ".dkr.ecr") {
				fail(svc, fmt.Sprintf("privatepull: ECS service %s runs in subnets with no way out of VPC %s, but its container %s pulls %s, "+
					"from a registry no VPC endpoint serves (only private ECR, ACCOUNT.dkr.ecr.REGION.amazonaws.com, has endpoints): the pull "+
					"fails with CannotPullContainerError. Push the image to a private ECR repository (or pull it through an ECR pull-through "+
					"cache), or run the tasks in subnets with a NAT gateway", name, *vpc.Node().Path(), img.container, img.name))
			}
		}
	}

	set.join(svc, network, awsvpc)
	svc.Node().AddDependency(append(used, set)...)
}

// vpcOf returns the VPC of the service's cluster, or that of
// AspectProps.Endpoints when the cluster does not know it.
func (a *aspect) vpcOf(svc awsecs.BaseService) (vpc awsec2.IVpc) {
	func() {
		defer func() { recover() }()
		vpc = svc.Cluster().Vpc()
	}()
	if vpc == nil && a.props.Endpoints != nil {
		vpc = a.props.Endpoints.Vpc()
	}
	return vpc
}

// setFor returns the endpoint set of vpc: AspectProps.Endpoints, the shared
// set in the VPC's stack, or another set of the VPC in the app; else it
// creates one in the VPC's stack when create is true or the VPC has
// endpoints to adopt.
func (a *aspect) setFor(vpc awsec2.IVpc, create bool) *endpoints {
	if a.props.Endpoints != nil {
		return a.props.Endpoints.(*endpoints)
	}
	stack := awscdk.Stack_Of(vpc)
	id := sharedEndpointsId(stack, vpc)
	if e, ok := stack.Node().TryFindChild(id).(*endpoints); ok {
		return e
	}
	for _, c := range *vpc.Node().Root().Node().FindAll(constructs.ConstructOrder_PREORDER) {
		if e, ok := c.(*endpoints); ok && sameVpc(e.vpc, vpc) {
			return e
		}
	}
	if !create && len(discover(vpc, "").all()) == 0 {
		return nil
	}
	shared := a.props.CreateEndpointsBesideNat != nil && *a.props.CreateEndpointsBesideNat &&
		len(*vpc.PrivateSubnets())+len(*vpc.PublicSubnets()) > 0
	return newEndpoints(stack, id, &EndpointsProps{Vpc: vpc, S3PrefixListId: a.props.S3PrefixListId, SharedVpc: jsii.Bool(shared)}, true)
}

// join makes the service's tasks members of the client group. Its
// Connections do not reach the template (BaseService copies the group ids
// when it is built), so the id is appended to the CfnService's network
// configuration.
func (e *endpoints) join(svc awsecs.BaseService, network *awsecs.CfnService_NetworkConfigurationProperty, awsvpc *awsecs.CfnService_AwsVpcConfigurationProperty) {
	id := e.clientGroup.SecurityGroupId()
	groups := deref(awsvpc.SecurityGroups)
	if slices.Contains(strs(&groups), *id) {
		return
	}
	groups = append(slices.Clone(groups), id)
	awsvpc.SecurityGroups = &groups
	network.AwsvpcConfiguration = awsvpc
	svc.SetNetworkConfiguration(network)
}

// stagesReached is the App's validation that every ECS service of its
// Stages was reached by a privatepull aspect.
type stagesReached struct {
	scope constructs.IConstruct
}

// Validate returns one error per ECS service in a Stage that no
// privatepull aspect reaches.
func (v *stagesReached) Validate() *[]*string {
	var errs []*string
	for _, c := range *v.scope.Node().FindAll(constructs.ConstructOrder_PREORDER) {
		svc, ok := c.(awsecs.BaseService)
		if !ok || reached(svc) {
			continue
		}
		if _, ours := svc.Node().Scope().(FargateService); ours {
			continue
		}
		errs = append(errs, jsii.String(fmt.Sprintf("privatepull: ECS service %s is in Stage %s, created after MakePrivate: "+
			"aspects of an App do not reach into a Stage, so its pull was not made private; call MakePrivate once the Stages "+
			"are defined, or on the Stage", *svc.Node().Path(), *awscdk.Stage_Of(svc).Node().Path())))
	}
	return &errs
}

// reached reports whether a privatepull aspect applies to c: one added to c
// or to a scope of c inside c's Stage.
func reached(c constructs.IConstruct) bool {
	for {
		for _, x := range *awscdk.Aspects_Of(c).All() {
			if _, ok := x.(*aspect); ok {
				return true
			}
		}
		scope := c.Node().Scope()
		if scope == nil || *awscdk.Stage_IsStage(c) {
			return false
		}
		c = scope
	}
}

func sameVpc(a, b awsec2.IVpc) bool { return *a.VpcId() == *b.VpcId() }

func warn(c constructs.IConstruct, id, message string) {
	awscdk.Annotations_Of(c).AddWarningV2(jsii.String(id), jsii.String(message), nil)
}

func fail(c constructs.IConstruct, message string) {
	awscdk.Annotations_Of(c).AddError(jsii.String(message))
}

// strs reads a list of optional strings.
func strs(p *[]*string) []string {
	var out []string
	for _, s := range deref(p) {
		if s != nil {
			out = append(out, *s)
		}
	}
	return out
}
