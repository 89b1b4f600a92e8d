package pullpath

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

var missingEndpointWhat = map[string]string{
	"ecr.api":        "the task cannot get a registry token (ecr:GetAuthorizationToken) or the image manifest, and the pull fails with CannotPullContainerError",
	"ecr.dkr":        "the Docker registry API is unreachable and the pull fails with CannotPullContainerError",
	"logs":           "the awslogs driver cannot create its stream and the task fails to start (ResourceInitializationError / DockerTimeoutError)",
	"secretsmanager": "the task cannot fetch its secrets and fails with ResourceInitializationError: unable to pull secrets or registry auth",
	"ssm":            "the task cannot fetch its SSM parameters and fails with ResourceInitializationError: unable to pull secrets or registry auth",
	"ssmmessages":    "the ECS Exec agent cannot open its channel and execute-command fails",
}

// endpointExists is the rule that the interface endpoints of rule id (the
// ecr.api, ecr.dkr, logs, secrets or exec endpoint) exist in the VPC: an
// error when the tasks have no way out, what goes out when they have one.
func endpointExists(id string) func(*judgement) {
	return func(j *judgement) {
		for _, n := range j.needs {
			if n.rule == id && len(n.eps) == 0 && j.vpc != nil {
				j.missing(n)
			}
		}
	}
}

func (j *judgement) missing(n need) {
	v, s := j.vpc, j.s
	hidden := j.hidden()
	switch {
	case v.Ext != "" && (n.sure || j.out != Yes):
		j.unknown(n.svc+" endpoint", "the VPC is "+v.Ext)
	case hidden != "" && (n.sure || j.out != Yes):
		j.unknown(n.svc+" endpoint", hidden)
	case !n.sure:
		if j.out != Yes {
			j.unknown(n.svc+" endpoint", "none in VPC "+v.Name()+"; whether the tasks need it: "+n.why)
		}
	case j.m.unreadableEndpoint(v) != nil:
		j.unknown(n.svc+" endpoint", "endpoint "+j.m.unreadableEndpoint(v).ID+" of VPC "+v.ID+" has a service or type the set cannot show")
	case j.out == Yes:
		j.goesOut(n.what)
	case j.out == Unknown:
		j.unknown(n.svc+" endpoint", "none in VPC "+v.ID+", and "+j.via)
	default:
		sev := "error"
		if n.svc == "ssmmessages" {
			sev = "warning" // exec sessions fail, the task runs
		}
		j.find(n.rule, sev, &s.Node,
			fmt.Sprintf("%s runs in VPC %s, which has no interface endpoint for com.amazonaws.%s.%s (%s), and its tasks have no way out (%s): %s", j.who(), v.ID, j.regionOr(), n.svc, j.dnsName(n.svc), j.via, missingEndpointWhat[n.svc]),
			Change{Kind: AddInterfaceEndpoint, Region: j.regionOr(), Service: n.svc})
	}
}

// privateDNS is the rule that an endpoint the tasks need answers its
// service's name: with private DNS off, the name resolves to public
// addresses.
func (j *judgement) privateDNS() {
	for _, n := range j.needs {
		switch {
		case len(n.eps) == 0:
		case n.capture != nil:
			if n.capture.CountWhy != "" {
				j.unknown(n.svc+" endpoint "+n.capture.ID, "it may be created zero times: "+n.capture.CountWhy)
			}
		case n.dnsUnknown != nil:
			j.unknown("private DNS of endpoint "+n.dnsUnknown.ID, "PrivateDnsEnabled cannot be read")
		default:
			e := n.eps[0]
			msg := fmt.Sprintf("Interface endpoint %s (%s) has private DNS off (the default in CloudFormation and Terraform), so in the VPC the name %s still resolves to public addresses", e.ID, j.serviceName(e), j.dnsName(n.svc))
			fix := Change{Kind: EnablePrivateDNS}
			switch j.out {
			case No:
				j.find("PRIVATEPULL-PRIVATE-DNS", "error", &e.Node, msg+", and the tasks have no way out: "+missingEndpointWhat[n.svc], fix)
			case Yes:
				j.find("PRIVATEPULL-PRIVATE-DNS", "warning", &e.Node, msg+": the endpoint is unused and the traffic leaves through "+j.via, fix)
				j.goesOut(n.what)
			default:
				j.unknown("private DNS of endpoint "+e.ID, "it is off, and "+j.via)
			}
		}
	}
}

// vpcDNS is the rule that the VPC resolves names: DNS support always, and
// DNS hostnames when an endpoint's private DNS is to answer.
func (j *judgement) vpcDNS() {
	v := j.vpc
	if v == nil {
		return
	}
	captured := slices.ContainsFunc(j.needs, func(n need) bool { return n.capture != nil })
	if v.Ext != "" {
		if captured || j.out != Yes {
			j.unknown("DNS support and hostnames of the VPC", "the VPC is "+v.Ext)
		}
		return
	}
	switch v.DNSSupport {
	case No:
		j.find("PRIVATEPULL-VPC-DNS", "error", &v.Node,
			fmt.Sprintf("VPC %s has EnableDnsSupport false: the Amazon DNS server is off, no AWS name resolves, and no task in it can pull its image", v.ID),
			Change{Kind: EnableDNSSupport})
	case Unknown:
		j.unknown("DNS support of VPC "+v.ID, "EnableDnsSupport cannot be read")
	}
	if !captured {
		return
	}
	switch v.DNSHostnames {
	case No:
		msg := fmt.Sprintf("VPC %s has EnableDnsHostnames off (CloudFormation and Terraform default): private DNS of its interface endpoints does not work, so %s resolve to public addresses", v.ID, j.dnsNames())
		fix := Change{Kind: EnableDNSHostnames}
		switch j.out {
		case No:
			j.find("PRIVATEPULL-VPC-DNS", "error", &v.Node, msg+", and the tasks have no way out: the pull fails", fix)
		case Yes:
			j.find("PRIVATEPULL-VPC-DNS", "warning", &v.Node, msg+": the endpoints go unused and the traffic leaves through "+j.via, fix)
			j.goesOut("AWS API calls (private DNS unused)")
		default:
			j.unknown("DNS hostnames of VPC "+v.ID, "they are off, and "+j.via)
		}
	case Unknown:
		j.unknown("DNS hostnames of VPC "+v.ID, "EnableDnsHostnames cannot be read")
	}
}

// endpointEgress is the rule that the task groups send tcp/443 to every
// endpoint that answers for them, from any of the task subnets.
func (j *judgement) endpointEgress() {
	s := j.s
	j.noHTTPS()
	for _, e := range j.captures() {
		out := reachEach(s.Groups, s.GroupsWhy, true, places(e.Subnets, e.SubnetsWhy), func(r *Rule, at *Subnet) Tri { return toEndpoint(r, e, at) })
		j.reached[e] = out
		switch out {
		case No:
			j.find("PRIVATEPULL-ENDPOINT-EGRESS", "error", &s.Node,
				fmt.Sprintf("%s's security groups (%s) have no tcp/443 egress to interface endpoint %s (%s, groups %s), which answers %s for the whole VPC: the tasks cannot reach it and the pull or start fails (CannotPullContainerError / ResourceInitializationError: i/o timeout)", j.who(), names(s.Groups), e.ID, j.serviceName(e), names(e.Groups), j.dnsName(e.Service)),
				Change{Kind: AllowEgressToEndpoint, Endpoint: &e.Node})
		case Unknown:
			j.unknown("tcp/443 from the tasks to endpoint "+e.ID, cmp.Or(s.GroupsWhy, e.GroupsWhy, groupsWhy(s.Groups, true), "a rule the set cannot compare"))
		}
	}
}

// endpointIngress is the rule that every endpoint that answers for the
// tasks admits tcp/443 from them, in whichever subnet they run.
func (j *judgement) endpointIngress() {
	s := j.s
	for _, e := range j.captures() {
		switch reachEach(e.Groups, e.GroupsWhy, false, places(s.Subnets, s.SubnetsWhy), func(r *Rule, at *Subnet) Tri { return fromService(r, s, j.vpc, at) }) {
		case No:
			j.find("PRIVATEPULL-ENDPOINT-INGRESS", "error", &e.Node,
				fmt.Sprintf("Interface endpoint %s (%s) has security groups (%s) that admit no tcp/443 from %s (groups %s, subnets %s): the endpoint refuses the tasks' HTTPS connections and the pull or start fails (CannotPullContainerError / ResourceInitializationError: i/o timeout)", e.ID, j.serviceName(e), names(e.Groups), j.who(), names(s.Groups), subnetNames(s.Subnets)),
				Change{Kind: AllowIngressFromTasks, Tasks: &s.Node})
		case Unknown:
			j.unknown("tcp/443 into endpoint "+e.ID+" from the tasks", cmp.Or(e.GroupsWhy, groupsWhy(e.Groups, false), "a rule the set cannot compare with the task subnets"))
		}
	}
}

// endpointPolicies is the rule that the ECR endpoints that answer for the
// tasks let the pull through.
func (j *judgement) endpointPolicies() {
	for _, e := range j.captures() {
		if e.Service == "ecr.api" || e.Service == "ecr.dkr" {
			j.endpointPolicy(e)
		}
	}
}

// noHTTPS judges the legs on 443 when the endpoints cannot be seen (the
// VPC is outside the set, or part of it is hidden): task groups that allow
// no tcp/443 egress at all reach no endpoint and no way out, whatever the
// VPC holds.
func (j *judgement) noHTTPS() {
	v, s := j.vpc, j.s
	if v != nil && v.Ext == "" && j.hidden() == "" {
		return // the endpoints are judged one by one
	}
	var legs []string
	for _, n := range j.needs {
		if n.sure && n.svc != "ssmmessages" {
			legs = append(legs, n.svc)
		}
	}
	if len(legs) == 0 || !j.no443() {
		return
	}
	j.find("PRIVATEPULL-ENDPOINT-EGRESS", "error", &s.Node,
		fmt.Sprintf("ECS service %s's security groups (%s) allow no tcp/443 egress at all: the tasks can reach no interface endpoint (%s) and no way out, whatever the VPC holds, and the pull or start fails (CannotPullContainerError / ResourceInitializationError: i/o timeout)", s.ID, names(s.Groups), strings.Join(legs, ", ")),
		Change{Kind: AllowEgressToEndpoint})
}
