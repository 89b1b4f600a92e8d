package privatepull

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsecs"
)

// validate checks props and returns the subnet selection the endpoints
// serve. It creates nothing.
func (p *EndpointsProps) validate() (*awsec2.SubnetSelection, error) {
	if p == nil || p.Vpc == nil {
		return nil, errorf("EndpointsProps.Vpc", "", "the VPC the endpoints serve")
	}
	if id := p.S3PrefixListId; id != nil && !unresolved(id) && !prefixListIdPattern.MatchString(*id) {
		return nil, errorf("EndpointsProps.S3PrefixListId", strconv.Quote(*id),
			"the id of the managed prefix list com.amazonaws.REGION.s3, like pl-63a5400a")
	}
	if err := p.Existing.validate(); err != nil {
		return nil, err
	}
	for _, s := range deref(p.Services) {
		if _, ok := services[s]; !ok {
			return nil, errorf("EndpointsProps.Services", strconv.Quote(string(s)), "one of ecr.api, ecr.dkr, logs, secretsmanager, ssm, kms, ssmmessages")
		}
	}
	for _, a := range deref(p.PrincipalAccounts) {
		if a == nil || !unresolved(a) && !accountPattern.MatchString(*a) {
			return nil, errorf("EndpointsProps.PrincipalAccounts", show(a), "12-digit AWS account ids")
		}
	}
	sel := p.Subnets
	if sel == nil {
		switch {
		case len(*p.Vpc.IsolatedSubnets()) > 0:
			sel = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_ISOLATED}
		case len(*p.Vpc.PrivateSubnets()) > 0:
			sel = &awsec2.SubnetSelection{SubnetType: awsec2.SubnetType_PRIVATE_WITH_EGRESS}
		default:
			return nil, errorf("EndpointsProps.Vpc", "a VPC with no isolated or private subnets",
				"a VPC with isolated or private subnets for the endpoints and tasks")
		}
	}
	if _, err := selectSubnets(p.Vpc, sel, "EndpointsProps.Subnets"); err != nil {
		return nil, err
	}
	return sel, nil
}

var (
	accountPattern    = regexp.MustCompile(`^[0-9]{12}$`)
	endpointIdPattern = regexp.MustCompile(`^vpce-[0-9a-f]{8,17}$`)
)

func (x *ExistingEndpoints) validate() error {
	if x == nil {
		return nil
	}
	for service, id := range x.InterfaceEndpointIds {
		if _, ok := services[service]; !ok {
			return errorf("ExistingEndpoints.InterfaceEndpointIds", strconv.Quote(string(service)), "keys among ecr.api, ecr.dkr, logs, secretsmanager, ssm, kms, ssmmessages")
		}
		if id == nil || !unresolved(id) && !endpointIdPattern.MatchString(*id) {
			return errorf("ExistingEndpoints.InterfaceEndpointIds["+string(service)+"]", show(id), "an interface endpoint id like vpce-0123456789abcdef0")
		}
	}
	if len(x.InterfaceEndpointIds) > 0 && x.SecurityGroup == nil {
		return errorf("ExistingEndpoints.SecurityGroup", "", "the security group of the existing interface endpoints, so that the client group can reach them")
	}
	for service, ep := range x.InterfaceEndpoints {
		field := "ExistingEndpoints.InterfaceEndpoints[" + string(service) + "]"
		switch {
		case !slices.Contains(allServices, service):
			return errorf("ExistingEndpoints.InterfaceEndpoints", strconv.Quote(string(service)), "keys among ecr.api, ecr.dkr, logs, secretsmanager, ssm, kms, ssmmessages")
		case ep == nil:
			return errorf(field, "", "an interface endpoint of the app")
		case x.InterfaceEndpointIds[service] != nil:
			return errorf(field, "an endpoint also named in InterfaceEndpointIds", "each service named once, in InterfaceEndpoints or InterfaceEndpointIds")
		}
	}
	if id := x.S3GatewayEndpointId; id != nil && !unresolved(id) && !endpointIdPattern.MatchString(*id) {
		return errorf("ExistingEndpoints.S3GatewayEndpointId", show(id), "a gateway endpoint id like vpce-0123456789abcdef0")
	}
	if x.S3GatewayEndpointId != nil && x.S3Gateway != nil {
		return errorf("ExistingEndpoints.S3Gateway", "a gateway with S3GatewayEndpointId also given", "one of S3Gateway and S3GatewayEndpointId")
	}
	return nil
}

// show prints an optional string value for an error.
func show(s *string) string {
	if s == nil {
		return ""
	}
	return strconv.Quote(*s)
}

// selectSubnets selects subnets, turning the VPC's refusal (a jsii
// exception) and an empty selection into an *Error.
func selectSubnets(vpc awsec2.IVpc, sel *awsec2.SubnetSelection, field string) (subnets []awsec2.ISubnet, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errorf(field, fmt.Sprintf("a selection the VPC refuses (%v)", r), "a selection of the VPC's subnets")
		}
	}()
	subnets = *vpc.SelectSubnets(sel).Subnets
	if len(subnets) == 0 {
		return nil, errorf(field, "a selection of no subnets", "at least one subnet")
	}
	return subnets, nil
}

// fargateMemory lists, for each Fargate CPU size, the memory sizes allowed
// with it: from, to, step (MiB).
var fargateMemory = map[float64][3]float64{
	256:   {512, 2048, 512}, // 512, 1024, 2048; 1536 is refused below
	512:   {1024, 4096, 1024},
	1024:  {2048, 8192, 1024},
	2048:  {4096, 16384, 1024},
	4096:  {8192, 30720, 1024},
	8192:  {16384, 61440, 4096},
	16384: {32768, 122880, 8192},
}

func fargatePair(cpu, mem float64) bool {
	r, ok := fargateMemory[cpu]
	if !ok || mem < r[0] || mem > r[1] || cpu == 256 && mem == 1536 {
		return false
	}
	return int64(mem-r[0])%int64(r[2]) == 0 && mem == float64(int64(mem))
}

func (p *FargateServiceProps) validate() error {
	if p == nil || p.Vpc == nil {
		return errorf("FargateServiceProps.Vpc", "", "the VPC the service runs in")
	}
	if p.Image == nil {
		return errorf("FargateServiceProps.Image", "",
			"a container image in a private ECR repository (awsecs.ContainerImage_FromEcrRepository or _FromAsset)")
	}
	cpu, mem := *orNumber(p.Cpu, 256), *orNumber(p.MemoryLimitMiB, 512)
	if _, ok := fargateMemory[cpu]; !ok {
		return errorf("FargateServiceProps.Cpu", num(cpu), "one of 256, 512, 1024, 2048, 4096, 8192, 16384")
	}
	if !fargatePair(cpu, mem) {
		r := fargateMemory[cpu]
		return errorf("FargateServiceProps.MemoryLimitMiB", num(mem)+" with Cpu "+num(cpu),
			"%s to %s MiB in steps of %s for Cpu %s (Fargate's task sizes)", num(r[0]), num(r[1]), num(r[2]), num(cpu))
	}
	if n := p.DesiredCount; n != nil && (*n < 0 || *n != float64(int64(*n))) {
		return errorf("FargateServiceProps.DesiredCount", num(*n), "a whole number, 0 or more")
	}
	if port := p.ContainerPort; port != nil && !isPort(*port) {
		return errorf("FargateServiceProps.ContainerPort", num(*port), "a port from 1 to 65535")
	}
	for i, dir := range deref(p.WritablePaths) {
		if dir == nil || !absolutePathPattern.MatchString(*dir) {
			return errorf(fmt.Sprintf("FargateServiceProps.WritablePaths[%d]", i), show(dir), "an absolute folder path like /tmp, not the root")
		}
	}
	names := map[string]bool{"App": true}
	for i, sc := range deref(p.Sidecars) {
		field := fmt.Sprintf("FargateServiceProps.Sidecars[%d]", i)
		switch {
		case sc == nil || sc.Name == nil || !containerNamePattern.MatchString(*sc.Name):
			return errorf(field+".Name", sidecarName(sc), "a container name of letters, digits, _ and - (up to 255)")
		case names[*sc.Name]:
			return errorf(field+".Name", strconv.Quote(*sc.Name), "a name no other container of the task has (the main one is App)")
		case sc.Image == nil:
			return errorf(field+".Image", "", "a container image in a private ECR repository")
		case sc.Port != nil && !isPort(*sc.Port):
			return errorf(field+".Port", num(*sc.Port), "a port from 1 to 65535")
		}
		names[*sc.Name] = true
	}
	exec := p.EnableExecuteCommand != nil && *p.EnableExecuteCommand
	switch {
	case p.ExecKey != nil && !exec:
		return errorf("FargateServiceProps.ExecKey", "a key with EnableExecuteCommand off", "EnableExecuteCommand true, or no ExecKey")
	case p.ExecKey != nil && p.Cluster != nil:
		return errorf("FargateServiceProps.ExecKey", "a key with a cluster given in Cluster",
			"no ExecKey: set the key in the cluster's ExecuteCommandConfiguration (the service then needs the kms endpoint: EndpointsProps.Services)")
	}
	if prefix := p.PullThroughCachePrefix; prefix != nil && !repositoryPrefixPattern.MatchString(*prefix) {
		return errorf("FargateServiceProps.PullThroughCachePrefix", strconv.Quote(*prefix), "the repository prefix of a pull-through cache rule, like ecr-public")
	}
	if err := p.validateSecrets(); err != nil {
		return err
	}
	if lb := p.LoadBalancer; lb != nil {
		if err := lb.validate(p); err != nil {
			return err
		}
	}
	if e := p.Endpoints; e != nil && *e.Vpc().VpcId() != *p.Vpc.VpcId() {
		return errorf("FargateServiceProps.Endpoints", "endpoints of VPC "+*e.Vpc().Node().Path(),
			"endpoints of the service's VPC %s", *p.Vpc.Node().Path())
	}
	return nil
}

var (
	absolutePathPattern     = regexp.MustCompile(`^/[^\x00]+$`)
	containerNamePattern    = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)
	repositoryPrefixPattern = regexp.MustCompile(`^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$`)
	arnRegionPattern        = regexp.MustCompile(`^arn:[^:]+:[^:]+:([^:]*):`)
)

func isPort(f float64) bool { return f >= 1 && f <= 65535 && f == float64(int64(f)) }

func sidecarName(sc *SidecarProps) string {
	if sc == nil {
		return "no sidecar (nil)"
	}
	return show(sc.Name)
}

// validateSecrets refuses a secret whose literal ARN is in another region
// than the stack's: tasks read secrets through endpoints of their own region.
func (p *FargateServiceProps) validateSecrets() error {
	all := []*map[string]awsecs.Secret{p.Secrets}
	for _, sc := range deref(p.Sidecars) {
		all = append(all, sc.Secrets)
	}
	if !slices.ContainsFunc(all, func(m *map[string]awsecs.Secret) bool { return len(derefMap(m)) > 0 }) {
		return nil
	}
	region := awscdk.Stack_Of(p.Vpc).Region()
	if unresolved(region) {
		return nil
	}
	for _, secrets := range all {
		for name, secret := range derefMap(secrets) {
			arn := secret.Arn()
			if unresolved(arn) {
				continue
			}
			if m := arnRegionPattern.FindStringSubmatch(*arn); m != nil && m[1] != "" && m[1] != *region {
				return errorf("FargateServiceProps.Secrets["+name+"]", *arn, "a secret in the stack's region %s; tasks read secrets through that region's endpoints", *region)
			}
		}
	}
	return nil
}

func (lb *LoadBalancerProps) validate(p *FargateServiceProps) error {
	if p.ContainerPort == nil {
		return errorf("FargateServiceProps.ContainerPort", "", "the port the load balancer sends traffic to")
	}
	if port := lb.ListenerPort; port != nil && !isPort(*port) {
		return errorf("LoadBalancerProps.ListenerPort", num(*port), "a port from 1 to 65535")
	}
	if lb.Subnets == nil {
		return nil
	}
	selected, err := selectSubnets(p.Vpc, lb.Subnets, "LoadBalancerProps.Subnets")
	if err != nil {
		return err
	}
	public := map[string]bool{}
	for _, s := range *p.Vpc.PublicSubnets() {
		public[*s.SubnetId()] = true
	}
	for _, s := range selected {
		if public[*s.SubnetId()] {
			return errorf("LoadBalancerProps.Subnets", "public subnet "+*s.Node().Path(),
				"private or isolated subnets: the balancer is internal and the tasks have no internet route")
		}
	}
	return nil
}

// checkRouteTables makes sure the S3 gateway endpoint, which is on the route
// tables of the endpoints' subnets, also serves the task subnets. Subnets
// whose route table is unknown (imported without one) are not judged.
func checkRouteTables(vpc awsec2.IVpc, taskSubnets *awsec2.SubnetSelection, eps Endpoints) error {
	if taskSubnets == eps.SubnetSelection() {
		return nil // the endpoints' own subnets (the default)
	}
	tasks, err := selectSubnets(vpc, taskSubnets, "FargateServiceProps.TaskSubnets")
	if err != nil {
		return err
	}
	covered := map[string]bool{}
	epSubnets, err := selectSubnets(eps.Vpc(), eps.SubnetSelection(), "EndpointsProps.Subnets")
	if err != nil {
		return err
	}
	for _, s := range epSubnets {
		if id := routeTableId(s); id != "" {
			covered[id] = true
		}
	}
	for _, s := range tasks {
		if id := routeTableId(s); id != "" && !covered[id] {
			return errorf("FargateServiceProps.TaskSubnets", "subnet "+*s.Node().Path()+" whose route table has no S3 gateway route",
				"subnets among the endpoints' subnets (EndpointsProps.Subnets), whose route tables carry the S3 gateway endpoint")
		}
	}
	return nil
}

func routeTableId(s awsec2.ISubnet) (id string) {
	defer func() {
		if recover() != nil {
			id = ""
		}
	}()
	if rt := s.RouteTable(); rt != nil && rt.RouteTableId() != nil {
		return *rt.RouteTableId()
	}
	return ""
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
