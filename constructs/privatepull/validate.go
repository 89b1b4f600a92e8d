package privatepull

import (
	"fmt"
	"strconv"

	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
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
	if port := p.ContainerPort; port != nil && (*port < 1 || *port > 65535 || *port != float64(int64(*port))) {
		return errorf("FargateServiceProps.ContainerPort", num(*port), "a port from 1 to 65535")
	}
	if e := p.Endpoints; e != nil && *e.Vpc().VpcId() != *p.Vpc.VpcId() {
		return errorf("FargateServiceProps.Endpoints", "endpoints of VPC "+*e.Vpc().Node().Path(),
			"endpoints of the service's VPC %s", *p.Vpc.Node().Path())
	}
	return nil
}

// checkRouteTables makes sure the S3 gateway endpoint, which is on the route
// tables of the endpoints' subnets, also serves the task subnets. Subnets
// whose route table is unknown (imported without one) are not judged.
func checkRouteTables(vpc awsec2.IVpc, taskSubnets *awsec2.SubnetSelection, eps Endpoints) error {
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
