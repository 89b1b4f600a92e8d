package privatepull

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
)

// found is what the app has in one VPC: interface endpoints with private DNS
// on, by service, and S3 gateway endpoints.
type found struct {
	interfaces map[InterfaceService][]awsec2.CfnVPCEndpoint
	gateways   []awsec2.CfnVPCEndpoint
}

func (f found) all() []awsec2.CfnVPCEndpoint {
	out := slices.Clone(f.gateways)
	for _, s := range allServices {
		out = append(out, f.interfaces[s]...)
	}
	return out
}

// discover finds the endpoints of vpc in the whole app, except those under
// the construct path skip.
func discover(vpc awsec2.IVpc, skip string) found {
	f := found{interfaces: map[InterfaceService][]awsec2.CfnVPCEndpoint{}}
	vpcId := *vpc.VpcId()
	for _, c := range *vpc.Node().Root().Node().FindAll(constructs.ConstructOrder_PREORDER) {
		ep, ok := c.(awsec2.CfnVPCEndpoint)
		if !ok || *ep.VpcId() != vpcId || skip != "" && strings.HasPrefix(*ep.Node().Path(), skip+"/") {
			continue
		}
		name := tokenPattern.ReplaceAllString(*ep.ServiceName(), "")
		typ := ""
		if t := ep.VpcEndpointType(); t != nil {
			typ = *t
		}
		switch {
		case (typ == "" || typ == "Gateway") && strings.HasSuffix(name, ".s3"):
			f.gateways = append(f.gateways, ep)
		case typ == "Interface" && privateDns(ep.PrivateDnsEnabled()):
			for _, s := range allServices {
				if strings.HasSuffix(name, "."+string(s)) {
					f.interfaces[s] = append(f.interfaces[s], ep)
				}
			}
		}
	}
	return f
}

// privateDns reports whether PrivateDnsEnabled is on or a token (trusted).
func privateDns(v any) bool {
	if s, ok := v.(*string); ok && s != nil {
		return unresolved(s)
	}
	return isTrue(v)
}

// adoptDiscovered adopts, once, the endpoints the app has in the set's VPC
// that the set lacks. A second private-DNS endpoint for a service, which
// fails the deploy, is reported as an error.
func (e *endpoints) adoptDiscovered() {
	if e.discovered {
		return
	}
	e.discovered = true
	f := discover(e.vpc, *e.Node().Path())
	for _, s := range allServices {
		list := f.interfaces[s]
		if len(list) == 0 {
			continue
		}
		if mine, ok := e.interfaces[s]; ok && !e.adopted[s] {
			list = append([]awsec2.CfnVPCEndpoint{mine.Node().DefaultChild().(awsec2.CfnVPCEndpoint)}, list...)
		}
		if len(list) > 1 {
			var paths []string
			for _, ep := range list {
				paths = append(paths, *ep.Node().Path())
			}
			fail(list[1], fmt.Sprintf("privatepull: VPC %s has %d interface endpoints for %s with private DNS (%s): a VPC holds one, "+
				"and the deploy fails; keep one (give it to EndpointsProps.Existing.InterfaceEndpoints)", *e.vpc.Node().Path(), len(list), s, strings.Join(paths, ", ")))
		}
		if _, ok := e.interfaces[s]; ok {
			continue
		}
		e.adopt(s, e.interfaceOf(s, list[0]))
		warnPolicy(list[0], "interface endpoint for "+string(s))
	}
	if own, ok := e.s3.(awsec2.GatewayVpcEndpoint); ok && !e.adoptedS3() {
		e.gateways = append(e.gateways, own.Node().DefaultChild().(awsec2.CfnVPCEndpoint))
	}
	for _, gw := range f.gateways {
		e.gateways = append(e.gateways, gw)
		warnPolicy(gw, "S3 gateway endpoint")
		if e.s3 == nil {
			if l2, ok := gw.Node().Scope().(awsec2.IGatewayVpcEndpoint); ok {
				e.s3 = l2
			} else {
				e.s3 = awsec2.GatewayVpcEndpoint_FromGatewayVpcEndpointId(e, jsii.String("AdoptedS3"), gw.Ref())
			}
		}
	}
}

// adoptedS3 reports whether the set's gateway was given to it.
func (e *endpoints) adoptedS3() bool {
	return e.existing.S3Gateway != nil || e.existing.S3GatewayEndpointId != nil
}

// interfaceOf returns the L2 of an interface endpoint, or an import of the
// L1 with its security groups.
func (e *endpoints) interfaceOf(s InterfaceService, ep awsec2.CfnVPCEndpoint) awsec2.IInterfaceVpcEndpoint {
	if l2, ok := ep.Node().Scope().(awsec2.IInterfaceVpcEndpoint); ok && l2.Node().DefaultChild() != nil {
		return l2
	}
	id := "Adopted" + services[s].id
	var groups []awsec2.ISecurityGroup
	for i, g := range strs(ep.SecurityGroupIds()) {
		groups = append(groups, awsec2.SecurityGroup_FromSecurityGroupId(e, jsii.String(fmt.Sprintf("%sGroup%d", id, i+1)), jsii.String(g), nil))
	}
	return awsec2.InterfaceVpcEndpoint_FromInterfaceVpcEndpointAttributes(e, jsii.String(id), &awsec2.InterfaceVpcEndpointAttributes{
		VpcEndpointId: ep.Ref(), Port: jsii.Number(443), SecurityGroups: &groups,
	})
}

// warnPolicy warns that an endpoint privatepull did not create keeps its
// policy, when it has one.
func warnPolicy(ep awsec2.CfnVPCEndpoint, what string) {
	if awscdk.Stack_Of(ep).Resolve(ep.PolicyDocument()) == nil {
		return // AWS's default policy: full access
	}
	warn(ep, "privatepull:adoptedEndpointPolicy", fmt.Sprintf("privatepull uses the %s %s and leaves its policy as it is: it must allow "+
		"the pull (ecr:GetAuthorizationToken, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer; s3:GetObject on "+
		"arn:aws:s3:::prod-REGION-starport-layer-bucket/*; logs, secrets and exec calls of the tasks)", what, *ep.Node().Path()))
}

// coverS3 makes sure an S3 gateway is on the route tables of the task
// subnets and returns it (nil when there is none and create is false), and
// whether it was created now. It never puts a second gateway on a route
// table: an existing gateway is extended (with a warning), not doubled.
func (e *endpoints) coverS3(svc constructs.IConstruct, subnets []awsec2.ISubnet, create bool) (awsec2.IGatewayVpcEndpoint, bool) {
	if e.s3 == nil {
		if !create || len(subnets) == 0 {
			return nil, false
		}
		gw := e.newS3Gateway(&awsec2.SubnetSelection{Subnets: &subnets}, nil)
		e.s3, e.s3Own = gw, true
		e.gateways = append([]awsec2.CfnVPCEndpoint{gw.Node().DefaultChild().(awsec2.CfnVPCEndpoint)}, e.gateways...)
		return gw, true
	}
	if len(e.gateways) == 0 {
		return e.s3, false // an imported gateway: trusted, as ExistingEndpoints says
	}
	covered := map[string]bool{}
	for _, gw := range e.gateways {
		for _, rt := range strs(gw.RouteTableIds()) {
			covered[rt] = true
		}
	}
	var missing, names []string
	for _, s := range subnets {
		if rt := routeTableId(s); rt != "" && !covered[rt] && !slices.Contains(missing, rt) {
			missing = append(missing, rt)
			names = append(names, "the route table of "+*s.Node().Path())
		}
	}
	if len(missing) == 0 {
		return e.s3, false
	}
	if !create {
		return nil, false
	}
	target := e.gateways[0]
	ids := append(deref(target.RouteTableIds()), *jsii.Strings(missing...)...)
	target.SetRouteTableIds(&ids)
	if !e.s3Own {
		warn(target, "privatepull:s3GatewayRouteTables", fmt.Sprintf("privatepull added %s to the S3 gateway endpoint %s "+
			"(RouteTableIds, an L1 change) for the tasks of ECS service %s: image layers come from S3, and a route table takes one S3 "+
			"gateway; S3 traffic of those subnets now goes through this endpoint and its policy", strings.Join(names, ", "),
			*target.Node().Path(), *svc.Node().Path()))
	}
	return e.s3, false
}
