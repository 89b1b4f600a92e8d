package pullpath

import (
	"fmt"
	"slices"
	"strings"
)

// judgement is the work of judging one service.
type judgement struct {
	m        *Model
	s        *Service
	vpc      *VPC
	region   string // for messages: the region or REGION
	out      Tri    // whether the tasks have a way out to the internet
	via      string // the way out, or why it is unknown
	findings []*Finding
	unknowns []string
	outs     []string // what goes out
	launch   string   // why the launch type is unknown
	s3List   string   // the prefix list taken as S3's
	reached  map[*Endpoint]Tri
	s3Egress Tri
	covered  map[*Endpoint]bool // S3 gateways on the task route tables
	ecr      []ecrImage         // images in this region's private ECR
	cached   []ecrImage         // those of them pulled through a cache rule
}

func (j *judgement) unknown(piece, why string) {
	u := piece + ": " + why
	if !slices.Contains(j.unknowns, u) {
		j.unknowns = append(j.unknowns, u)
	}
}

func (j *judgement) goesOut(what string) {
	if !slices.Contains(j.outs, what) {
		j.outs = append(j.outs, what)
	}
}

// find records a finding on node n.
func (j *judgement) find(rule, severity string, n *Node, msg, fix string) {
	f := &Finding{Rule: rule, Severity: severity, Resource: n.ID, Message: msg, Fix: fix, Help: HelpURI(rule), node: n}
	for _, g := range j.findings {
		if g.Rule == rule && g.node == n && g.Message == msg {
			return
		}
	}
	j.findings = append(j.findings, f)
}

// severity picks a rule's severity from the way out: the error when there
// is none, what the rule says with one, and nothing (an unknown) when the
// way out is unknown.
func (j *judgement) bySeverity(none, withOut string) string {
	switch j.out {
	case No:
		return none
	case Yes:
		return withOut
	}
	return ""
}

// judge decides the verdict of service s.
func (m *Model) judge(s *Service) *ServiceReport {
	j := &judgement{m: m, s: s, reached: map[*Endpoint]Tri{}, covered: map[*Endpoint]bool{}}
	rep := &ServiceReport{ID: s.ID, service: s, j: j}
	if why := j.skip(); why != "" {
		rep.Verdict, rep.Why = Skipped, why
		rep.Unknowns, rep.Findings = []string{}, []*Finding{}
		return rep
	}
	j.vpc = serviceVPC(s)
	j.region = s.In.Region
	if j.region == "" {
		j.region = s.In.regionGuess
	}
	j.wayOut()
	j.check()
	if s.PublicIP == Yes {
		j.find("PRIVATEPULL-PUBLIC-IP", "warning", &s.Node,
			fmt.Sprintf("ECS service %s gives its tasks a public IP: with an internet-gateway route they reach AWS over the internet, not through the VPC endpoints", s.ID),
			j.fix("set AssignPublicIp to DISABLED and run the tasks in private or isolated subnets", "set assign_public_ip = false in network_configuration"))
	}
	if j.launch != "" {
		// the checks apply only if the tasks run on Fargate
		for _, f := range j.findings {
			if f.Severity == "error" {
				f.Severity = "warning"
				f.Message = "if the tasks run on Fargate: " + f.Message
			}
		}
		j.unknown("launch type", j.launch)
	}
	rep.Findings, rep.Unknowns = j.findings, j.unknowns
	if rep.Unknowns == nil {
		rep.Unknowns = []string{}
	}
	if rep.Findings == nil {
		rep.Findings = []*Finding{}
	}
	var errs []string
	for _, f := range j.findings {
		if f.Severity == "error" {
			errs = append(errs, f.Rule)
		}
	}
	switch {
	case len(errs) > 0:
		rep.Verdict, rep.Why = Broken, "the tasks cannot pull or start: "+strings.Join(uniq(errs), ", ")
	case len(j.unknowns) == 1:
		rep.Verdict, rep.Why = Undecided, "nothing found broken, but the inputs do not show one piece of the path: "+j.unknowns[0]
	case len(j.unknowns) > 0:
		rep.Verdict, rep.Why = Undecided, fmt.Sprintf("nothing found broken, but the inputs do not show %d pieces of the path; first: %s", len(j.unknowns), j.unknowns[0])
	case len(j.outs) > 0:
		rep.Verdict, rep.Why = Internet, "the tasks pull and start, but these leave the VPC through "+j.via+": "+strings.Join(j.outs, ", ")
	default:
		rep.Verdict, rep.Why = Private, "everything the tasks need is reachable inside the VPC"
		if j.s3List != "" {
			rep.Why += "; prefix list " + j.s3List + " taken as S3's"
		}
	}
	return rep
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}

// fix picks the CloudFormation or the Terraform wording of a fix.
func (j *judgement) fix(cfn, tf string) string {
	if j.s.In.Terraform {
		return tf
	}
	return cfn
}

// skip returns why the service is not Fargate in awsvpc mode, or "".
func (j *judgement) skip() string {
	s := j.s
	fargate := func(strategy []string) bool {
		return slices.ContainsFunc(strategy, func(p string) bool { return p == "FARGATE" || p == "FARGATE_SPOT" })
	}
	switch {
	case s.LaunchType == "EC2" || s.LaunchType == "EXTERNAL":
		return "launch type " + s.LaunchType + ": the container instance pulls, not the task"
	case s.LaunchType == "?":
		j.launch = "the launch type cannot be read"
	case s.LaunchType == "FARGATE":
	case s.StrategyWhy != "":
		j.launch = s.StrategyWhy
	case len(s.Strategy) > 0:
		if !fargate(s.Strategy) {
			return "capacity provider strategy " + strings.Join(s.Strategy, ", ") + ": no FARGATE or FARGATE_SPOT provider"
		}
	case s.Cluster == nil:
		j.launch = "the service sets no launch type or strategy and names no cluster: the default cluster's default strategy decides"
	case s.Cluster.Ext != "":
		j.launch = "the service sets no launch type or strategy: the default strategy of cluster " + s.Cluster.Ext + " decides"
	case s.Cluster.StrategyWhy != "":
		j.launch = s.Cluster.StrategyWhy
	case len(s.Cluster.Strategy) == 0:
		return "no launch type, no strategy, and cluster " + s.Cluster.ID + " has no default capacity provider strategy: the EC2 launch type"
	case !fargate(s.Cluster.Strategy):
		return "the default strategy of cluster " + s.Cluster.ID + " (" + strings.Join(s.Cluster.Strategy, ", ") + ") has no FARGATE or FARGATE_SPOT provider"
	}
	if t := s.Task; t != nil {
		switch t.NetworkMode {
		case "awsvpc":
		case "?":
			j.unknown("network mode", "the network mode of "+t.ID+" cannot be read")
		case "":
			if !s.Awsvpc {
				return "network mode bridge (the default): no task network interface"
			}
		default:
			return "network mode " + t.NetworkMode + ": no task network interface"
		}
	} else if !s.Awsvpc {
		return "no awsvpc network configuration"
	}
	return ""
}

// wayOut decides whether the tasks have a way out to the internet.
func (j *judgement) wayOut() {
	s := j.s
	if s.SubnetsWhy != "" {
		j.out, j.via = Unknown, s.SubnetsWhy
		return
	}
	j.out = Yes
	for _, sn := range s.Subnets {
		t, via := j.subnetOut(sn)
		switch {
		case t == No:
			j.out, j.via = No, via
		case t == Unknown && j.out == Yes:
			j.out, j.via = Unknown, via
		case t == Yes && j.out == Yes:
			j.via = via
		}
		if j.out == No {
			break
		}
	}
	if len(s.Subnets) == 0 {
		j.out, j.via = Unknown, "the service names no subnet"
	}
	if j.out == Yes {
		switch reach(s.Groups, s.GroupsWhy, true, func(r *Rule) Tri { return toInternet(r, j.vpc) }) {
		case No:
			j.out, j.via = No, "the task groups allow no tcp/443 to 0.0.0.0/0, so "+j.via+" is no way out"
		case Unknown:
			j.out, j.via = Unknown, "whether the task groups allow tcp/443 to the internet ("+j.via+")"
		}
	}
}

func (j *judgement) subnetOut(sn *Subnet) (Tri, string) {
	rt := sn.RouteTable
	if rt == nil {
		why := sn.RouteTableWhy
		if why == "" {
			why = "the route table of subnet " + sn.name()
		}
		return Unknown, why
	}
	if rt.RoutesWhy != "" {
		return Unknown, rt.RoutesWhy
	}
	for _, r := range rt.Routes {
		if !r.Dest.Known() {
			return Unknown, "a route of " + rt.name() + " to " + r.TargetID + " whose destination cannot be read"
		}
		if !r.Dest.P.IsValid() || r.Dest.P.Bits() != 0 {
			continue
		}
		switch r.Target {
		case TargetNAT:
			return natOut(r)
		case TargetIGW:
			switch j.s.PublicIP {
			case Yes:
				return Yes, "internet gateway " + r.TargetID + " (public IP)"
			case Unknown:
				return Unknown, "whether the tasks get a public IP (route to internet gateway " + r.TargetID + ")"
			}
			return No, "subnet " + sn.name() + " (internet gateway, but no public IP)"
		}
		return Unknown, "where route 0.0.0.0/0 of " + rt.name() + " to " + r.TargetID + " leads"
	}
	return No, "subnet " + sn.name() + " (no route out)"
}

// natOut says whether a NAT gateway leads out: its own subnet must route
// 0.0.0.0/0 to an internet gateway.
func natOut(r Route) (Tri, string) {
	via := "NAT gateway " + r.TargetID
	sn := r.NATSubnet
	if sn == nil || sn.RouteTable == nil {
		return Unknown, "where " + via + " leads (its subnet's route table is outside the set)"
	}
	if sn.RouteTable.RoutesWhy != "" {
		return Unknown, "where " + via + " leads: " + sn.RouteTable.RoutesWhy
	}
	for _, x := range sn.RouteTable.Routes {
		if x.Dest.P.IsValid() && x.Dest.P.Bits() == 0 {
			switch x.Target {
			case TargetIGW:
				return Yes, via
			case TargetNAT:
				return No, via + ", which sits in subnet " + sn.name() + " routed to another NAT gateway"
			}
			return Unknown, "where " + via + " leads (its subnet routes 0.0.0.0/0 to " + x.TargetID + ")"
		}
	}
	return No, via + ", which sits in subnet " + sn.name() + " with no route to an internet gateway"
}

// need is an interface endpoint the tasks need.
type need struct {
	svc, what, rule string
	sure            bool // false: the need itself is unknown
	why             string
}

// check runs the rules on the service's path.
func (j *judgement) check() {
	s := j.s
	ecrNeed := No
	var needs []need
	add := func(n need) {
		for i, x := range needs {
			if x.svc == n.svc {
				if n.sure {
					needs[i] = n
				}
				return
			}
		}
		needs = append(needs, n)
	}
	task := s.Task
	switch {
	case task == nil:
		j.unknown("what the tasks need", s.TaskWhy)
		ecrNeed = Unknown
	case task.ContainersWhy != "":
		j.unknown("what the tasks need", task.ContainersWhy)
		ecrNeed = Unknown
	}
	if task != nil {
		for _, c := range task.Containers {
			j.image(c, &ecrNeed)
			if c.LogDriver == "awslogs" {
				add(need{"logs", "logs", "PRIVATEPULL-LOGS-ENDPOINT", true, ""})
			}
			for _, sec := range c.Secrets {
				switch sec.Store {
				case "secretsmanager", "ssm":
					add(need{sec.Store, "secrets", "PRIVATEPULL-SECRETS-ENDPOINT", true, ""})
				default:
					// either store: both endpoints may be needed
					add(need{"secretsmanager", "secrets", "PRIVATEPULL-SECRETS-ENDPOINT", false, "the store of secret " + sec.From})
					add(need{"ssm", "secrets", "PRIVATEPULL-SECRETS-ENDPOINT", false, "the store of secret " + sec.From})
				}
			}
		}
	}
	if ecrNeed != No {
		sure := ecrNeed == Yes
		needs = append([]need{{"ecr.api", "registry API", "PRIVATEPULL-ECR-API", sure, "the image"}, {"ecr.dkr", "registry API", "PRIVATEPULL-ECR-DKR", sure, "the image"}}, needs...)
	}
	switch s.Exec {
	case Yes:
		add(need{"ssmmessages", "ECS Exec", "PRIVATEPULL-EXEC-ENDPOINT", true, ""})
	case Unknown:
		add(need{"ssmmessages", "ECS Exec", "PRIVATEPULL-EXEC-ENDPOINT", false, "whether ECS Exec is on"})
	}
	if j.vpc == nil {
		for _, n := range needs {
			j.unknown(n.svc+" endpoint", "the VPC of the service ("+firstNonEmpty(s.SubnetsWhy, s.GroupsWhy, "its subnets and groups are outside the set")+")")
		}
		if ecrNeed != No {
			j.unknown("S3 gateway", "the VPC of the service")
		}
	} else {
		j.vpcDNS(needs)
		for _, n := range needs {
			j.interfaceEndpoint(n)
		}
		// a kms endpoint with private DNS captures key calls of secrets and exec
		if slices.ContainsFunc(needs, func(n need) bool { return n.svc != "logs" && !strings.HasPrefix(n.svc, "ecr") }) {
			for _, e := range j.m.endpointsIn(j.vpc, "kms", false) {
				if e.PrivateDNS == Yes {
					j.reach(e, need{"kms", "keys", "", true, ""})
				}
			}
		}
		if ecrNeed != No {
			j.s3(ecrNeed == Yes)
		}
	}
	if task != nil {
		j.executionRole()
	}
	if len(j.cached) > 0 {
		j.pullThroughCache(j.cached)
	}
}

func firstNonEmpty(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// image classifies one container's image.
func (j *judgement) image(c *Container, ecrNeed *Tri) {
	if c.ImageWhy != "" {
		j.unknown("image of container "+c.Name, c.ImageWhy)
		if *ecrNeed == No {
			*ecrNeed = Unknown
		}
		return
	}
	host, repo := registry(c.Image)
	m := ecrHost.FindStringSubmatch(host)
	if m == nil {
		if first, _, _ := strings.Cut(c.Image, "/"); strings.Contains(first, "${") {
			j.unknown("registry of container "+c.Name, "the image "+c.Image)
			if *ecrNeed == No {
				*ecrNeed = Unknown
			}
			return
		}
		j.otherRegistry(c, host)
		return
	}
	region := m[2]
	if !strings.HasPrefix(region, "${") {
		switch {
		case j.s.In.Region == "":
			if j.s.In.regionGuess != region {
				j.unknown("registry of container "+c.Name, "the image is in ECR of "+region+", and the stack's region is unknown")
			}
		case region != j.s.In.Region:
			j.otherRegistry(c, host)
			return
		}
	}
	*ecrNeed = Yes
	im := ecrImage{image: c.Image, account: m[1], region: region, repo: repo}
	j.ecr = append(j.ecr, im)
	for _, cr := range j.m.Caches {
		if cr.In.env() == j.s.In.env() && cr.Prefix != "" && (cr.Prefix == "ROOT" || strings.HasPrefix(repo, cr.Prefix+"/")) {
			im.image += " (cache rule " + cr.ID + ", upstream " + cr.Upstream + ")"
			j.cached = append(j.cached, im)
			return
		}
	}
}

// otherRegistry judges an image no VPC endpoint serves.
func (j *judgement) otherRegistry(c *Container, host string) {
	switch j.out {
	case No:
		j.find("PRIVATEPULL-IMAGE-REGISTRY", "error", &j.s.Node,
			fmt.Sprintf("ECS service %s runs image %s (container %s) from %s, which no VPC endpoint serves, and its tasks have no way out (%s): the pull fails with CannotPullContainerError", j.s.ID, c.Image, c.Name, host, j.via),
			j.fix("copy the image into this region's private ECR (or use an ECR pull-through cache) and reference it there", "push the image to an aws_ecr_repository of this region and use its repository_url"))
	case Yes:
		j.goesOut("image from " + host)
	default:
		j.unknown("image of container "+c.Name+" from "+host, "it needs a way out, and "+j.via)
	}
}

// vpcDNS checks the VPC's DNS attributes when an endpoint with private DNS
// serves a need.
func (j *judgement) vpcDNS(needs []need) {
	v := j.vpc
	captured := slices.ContainsFunc(needs, func(n need) bool {
		return slices.ContainsFunc(j.m.endpointsIn(v, n.svc, false), func(e *Endpoint) bool { return e.PrivateDNS == Yes })
	})
	if v.Ext != "" {
		if captured || j.out != Yes {
			j.unknown("DNS support and hostnames of the VPC", "the VPC is "+v.Ext)
		}
		return
	}
	switch v.DNSSupport {
	case No:
		j.find("PRIVATEPULL-VPC-DNS", "error", &v.Node,
			fmt.Sprintf("VPC %s (ECS service %s) has EnableDnsSupport false: the Amazon DNS server is off, no AWS name resolves, and the task cannot pull its image", v.ID, j.s.ID),
			j.fix("set EnableDnsSupport: true on the VPC", "set enable_dns_support = true on the aws_vpc"))
	case Unknown:
		j.unknown("DNS support of VPC "+v.ID, "EnableDnsSupport cannot be read")
	}
	if !captured {
		return
	}
	switch v.DNSHostnames {
	case No:
		sev := j.bySeverity("error", "warning")
		msg := fmt.Sprintf("VPC %s (ECS service %s) has EnableDnsHostnames off (CloudFormation and Terraform default): private DNS of its interface endpoints does not work, so the ECR, logs and other names resolve to public addresses", v.ID, j.s.ID)
		fix := j.fix("set EnableDnsHostnames: true on the VPC", "set enable_dns_hostnames = true on the aws_vpc")
		if sev == "" {
			j.unknown("DNS hostnames of VPC "+v.ID, "they are off, and "+j.via)
		} else {
			if sev == "error" {
				msg += ", and the tasks have no way out: the pull fails"
			} else {
				msg += ": the endpoints go unused and the traffic leaves through " + j.via
				j.goesOut("AWS API calls (private DNS unused)")
			}
			j.find("PRIVATEPULL-VPC-DNS", sev, &v.Node, msg, fix)
		}
	case Unknown:
		j.unknown("DNS hostnames of VPC "+v.ID, "EnableDnsHostnames cannot be read")
	}
}

var missingEndpointWhat = map[string]string{
	"ecr.api":        "the task cannot get a registry token (ecr:GetAuthorizationToken) or the image manifest, and the pull fails with CannotPullContainerError",
	"ecr.dkr":        "the Docker registry API is unreachable and the pull fails with CannotPullContainerError",
	"logs":           "the awslogs driver cannot create its stream and the task fails to start (ResourceInitializationError / DockerTimeoutError)",
	"secretsmanager": "the task cannot fetch its secrets and fails with ResourceInitializationError: unable to pull secrets or registry auth",
	"ssm":            "the task cannot fetch its SSM parameters and fails with ResourceInitializationError: unable to pull secrets or registry auth",
	"ssmmessages":    "the ECS Exec agent cannot open its channel and execute-command fails",
}

// interfaceEndpoint checks one needed interface endpoint.
func (j *judgement) interfaceEndpoint(n need) {
	v, s := j.vpc, j.s
	eps := j.m.endpointsIn(v, n.svc, false)
	if len(eps) == 0 {
		hidden := j.hidden()
		switch {
		case v.Ext != "" && (n.sure || j.out != Yes):
			j.unknown(n.svc+" endpoint", "the VPC is "+v.Ext)
		case hidden != "" && (n.sure || j.out != Yes):
			j.unknown(n.svc+" endpoint", hidden)
		case !n.sure:
			if j.out != Yes {
				j.unknown(n.svc+" endpoint", "none in VPC "+v.name()+"; whether the tasks need it: "+n.why)
			}
		case j.m.unreadableEndpoint(v) != nil:
			j.unknown(n.svc+" endpoint", "endpoint "+j.m.unreadableEndpoint(v).ID+" of VPC "+v.ID+" has a service or type the set cannot show")
		default:
			sev := j.bySeverity("error", "")
			if n.svc == "ssmmessages" && sev == "error" {
				sev = "warning"
			}
			switch {
			case j.out == Yes:
				j.goesOut(n.what)
			case sev == "":
				j.unknown(n.svc+" endpoint", "none in VPC "+v.ID+", and "+j.via)
			default:
				j.find(n.rule, sev, &s.Node,
					fmt.Sprintf("ECS service %s runs in VPC %s, which has no interface endpoint for com.amazonaws.%s.%s, and its tasks have no way out (%s): %s", s.ID, v.ID, j.regionOr(), n.svc, j.via, missingEndpointWhat[n.svc]),
					j.fix(fmt.Sprintf("add an AWS::EC2::VPCEndpoint com.amazonaws.%s.%s with VpcEndpointType Interface and PrivateDnsEnabled true in the service's subnets", j.regionOr(), n.svc),
						fmt.Sprintf("add an aws_vpc_endpoint com.amazonaws.%s.%s with vpc_endpoint_type = \"Interface\" and private_dns_enabled = true", j.regionOr(), n.svc)))
			}
		}
		return
	}
	var dnsOn, dnsUnknown *Endpoint
	for _, e := range eps {
		switch e.PrivateDNS {
		case Yes:
			dnsOn = e
		case Unknown:
			dnsUnknown = e
		}
	}
	switch {
	case dnsOn != nil:
		if dnsOn.CountWhy != "" {
			j.unknown(n.svc+" endpoint "+dnsOn.ID, "it may be created zero times: "+dnsOn.CountWhy)
		}
		j.reach(dnsOn, n)
	case dnsUnknown != nil:
		j.unknown("private DNS of endpoint "+dnsUnknown.ID, "PrivateDnsEnabled cannot be read")
	default:
		e := eps[0]
		sev := j.bySeverity("error", "warning")
		msg := fmt.Sprintf("Interface endpoint %s (%s) has private DNS off (the default in CloudFormation and Terraform), so from ECS service %s the name %s still resolves to public addresses", e.ID, e.ServiceName, s.ID, e.ServiceName)
		fix := j.fix("set PrivateDnsEnabled: true on the endpoint (and keep EnableDnsSupport and EnableDnsHostnames on the VPC)", "set private_dns_enabled = true on the aws_vpc_endpoint")
		switch sev {
		case "error":
			j.find("PRIVATEPULL-PRIVATE-DNS", sev, &e.Node, msg+", and the tasks have no way out: "+missingEndpointWhat[n.svc], fix)
		case "warning":
			j.find("PRIVATEPULL-PRIVATE-DNS", sev, &e.Node, msg+": the endpoint is unused and the traffic leaves through "+j.via, fix)
			j.goesOut(n.what)
		default:
			j.unknown("private DNS of endpoint "+e.ID, "it is off, and "+j.via)
		}
	}
}

func (j *judgement) regionOr() string {
	if j.region != "" {
		return j.region
	}
	return "REGION"
}

// hidden says what the set cannot show that may define endpoints.
func (j *judgement) hidden() string {
	for _, in := range []*Input{j.s.In, j.vpc.In} {
		if in != nil && len(in.Hidden) > 0 {
			return in.Hidden[0]
		}
	}
	return ""
}

// reach checks that the tasks and interface endpoint e reach each other,
// and e's policy for a pull.
func (j *judgement) reach(e *Endpoint, n need) {
	s := j.s
	out := reachEach(s.Groups, s.GroupsWhy, true, places(e.Subnets, e.SubnetsWhy), func(r *Rule, at *Subnet) Tri { return toEndpoint(r, e, at) })
	j.reached[e] = out
	switch out {
	case No:
		j.find("PRIVATEPULL-ENDPOINT-EGRESS", "error", &s.Node,
			fmt.Sprintf("ECS service %s's security groups (%s) have no tcp/443 egress to interface endpoint %s (%s, groups %s), which answers its name for the whole VPC: the tasks cannot reach it and the pull or start fails (CannotPullContainerError / ResourceInitializationError: i/o timeout)", s.ID, names(s.Groups), e.ID, e.ServiceName, names(e.Groups)),
			j.fix("add an egress rule tcp/443 from the task group to the endpoint's security group (or to the VPC CIDR)", "add an egress rule tcp/443 from the task group to the endpoint's security group (security_groups = [aws_security_group.endpoints.id]) or the VPC CIDR"))
	case Unknown:
		j.unknown("tcp/443 from the tasks to endpoint "+e.ID, firstNonEmpty(s.GroupsWhy, e.GroupsWhy, "a rule the set cannot compare"))
	}
	in := reachEach(e.Groups, e.GroupsWhy, false, places(s.Subnets, s.SubnetsWhy), func(r *Rule, at *Subnet) Tri { return fromService(r, s, j.vpc, at) })
	switch in {
	case No:
		j.find("PRIVATEPULL-ENDPOINT-INGRESS", "error", &e.Node,
			fmt.Sprintf("Interface endpoint %s (%s) has security groups (%s) that admit no tcp/443 from ECS service %s (groups %s, subnets %s): the endpoint refuses the tasks' HTTPS connections and the pull or start fails (CannotPullContainerError / ResourceInitializationError: i/o timeout)", e.ID, e.ServiceName, names(e.Groups), s.ID, names(s.Groups), subnetNames(s.Subnets)),
			j.fix("add an ingress rule tcp/443 from the task's security group (or a CIDR that covers the task subnets) to the endpoint's security group", "add an ingress rule tcp/443 from the task's security group (or cidr_blocks covering the task subnets) to the endpoint's aws_security_group"))
	case Unknown:
		j.unknown("tcp/443 into endpoint "+e.ID+" from the tasks", firstNonEmpty(e.GroupsWhy, groupsWhy(e.Groups, false), "a rule the set cannot compare with the task subnets"))
	}
	if e.Service == "ecr.api" || e.Service == "ecr.dkr" {
		j.endpointPolicy(e)
	}
}

func groupsWhy(gs []*Group, egress bool) string {
	for _, g := range gs {
		if egress && g.EgressWhy != "" {
			return g.EgressWhy
		}
		if !egress && g.IngressWhy != "" {
			return g.IngressWhy
		}
	}
	return ""
}

func names[T interface{ node() *Node }](xs []T) string {
	var out []string
	for _, x := range xs {
		out = append(out, x.node().name())
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

func subnetNames(xs []*Subnet) string { return names(xs) }

// ecrImage is an image in this region's private ECR (or a cache of it).
type ecrImage struct {
	image, account, region, repo string
}

// repoARN is the ARN of the image's repository.
func (j *judgement) repoARN(im ecrImage) string {
	return "arn:" + j.partitionOr() + ":ecr:" + im.region + ":" + im.account + ":repository/" + im.repo
}

// pullRequests are the calls a pull makes, by the task's account.
func (j *judgement) pullRequests(viaTask bool) []Request {
	out := []Request{{Action: "ecr:GetAuthorizationToken", Resource: "*", Account: j.account(), NoSourceVpc: viaTask, Known: j.known()}}
	for _, im := range j.ecr {
		for _, a := range []string{"ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"} {
			out = append(out, Request{Action: a, Resource: j.repoARN(im), Account: j.account(), ResourceAccount: im.account, NoSourceVpc: viaTask, Known: j.known()})
		}
	}
	return out
}

func (j *judgement) endpointPolicy(e *Endpoint) {
	if e.Policy == nil {
		return
	}
	var blocked []string
	for _, req := range j.pullRequests(false) {
		switch Evaluate([]*Policy{e.Policy}, req) {
		case No:
			blocked = append(blocked, req.Action+" on "+req.Resource)
		case Unknown:
			j.unknown("policy of endpoint "+e.ID, firstNonEmpty(e.Policy.Why, "whether it allows "+req.Action+" on "+req.Resource))
		}
	}
	if len(blocked) > 0 {
		j.find("PRIVATEPULL-ENDPOINT-POLICY", "error", &e.Node,
			fmt.Sprintf("Interface endpoint %s (%s) has a policy that does not allow (or denies) %s: the pull through it fails with CannotPullContainerError (AccessDenied)", e.ID, e.ServiceName, strings.Join(blocked, ", ")),
			j.fix("allow ecr:GetAuthorizationToken on * and ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on the repositories, for Principal *, in the PolicyDocument (or remove it)", "allow ecr:GetAuthorizationToken on * and ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on the repositories in the aws_vpc_endpoint's policy (or remove it)"))
	}
}

// s3 checks the route of image layers to S3.
func (j *judgement) s3(sure bool) {
	v, s := j.vpc, j.s
	gws := j.m.endpointsIn(v, "s3", true)
	ifaces := j.m.endpointsIn(v, "s3", false)
	// a gateway on route tables that serve no subnet
	var idle []*Endpoint
	for _, gw := range gws {
		if gw.RouteTablesWhy != "" {
			continue
		}
		serves := false
		for _, rt := range gw.RouteTables {
			if rt.Main || rt.Exported || len(rt.Subnets) > 0 || rt.Ext != "" {
				serves = true
			}
		}
		if !serves {
			idle = append(idle, gw)
			j.find("PRIVATEPULL-S3-GATEWAY", "error", &gw.Node,
				fmt.Sprintf("S3 gateway endpoint %s is on route tables (%s) that no subnet uses: it serves nothing, and ECS service %s's tasks get no route to S3 through it for the image layers", gw.ID, names(gw.RouteTables), s.ID),
				j.fix("put the route tables of the task subnets in the gateway's RouteTableIds", "put the task subnets' route tables in route_table_ids (or use aws_vpc_endpoint_route_table_association)"))
		}
	}
	cov := Yes
	why := ""
	var uncovered []string
	if s.SubnetsWhy != "" {
		cov, why = Unknown, s.SubnetsWhy
	}
	for _, sn := range s.Subnets {
		rt := sn.RouteTable
		if rt == nil {
			cov, why = and(cov, Unknown), firstNonEmpty(sn.RouteTableWhy, "the route table of subnet "+sn.name())
			continue
		}
		t := No
		for _, gw := range gws {
			if slices.Contains(gw.RouteTables, rt) {
				t = Yes
				j.covered[gw] = true
			} else if gw.RouteTablesWhy != "" && t == No {
				t, why = Unknown, gw.RouteTablesWhy
			}
		}
		if t == No && !slices.Contains(uncovered, rt.name()) {
			uncovered = append(uncovered, rt.name())
		}
		cov = and(cov, t)
	}
	switch cov {
	case Yes:
		j.s3Egress = reach(s.Groups, s.GroupsWhy, true, func(r *Rule) Tri { return toS3(r, v, &j.s3List) })
		switch j.s3Egress {
		case No:
			j.find("PRIVATEPULL-S3-EGRESS", "error", &s.Node,
				fmt.Sprintf("ECS service %s's security groups (%s) have no tcp/443 egress to the S3 managed prefix list com.amazonaws.%s.s3, while the S3 gateway's route captures the image layers: the pull fails with CannotPullContainerError ... prod-%s-starport-layer-bucket.s3... i/o timeout", s.ID, names(s.Groups), j.regionOr(), j.regionOr()),
				j.fix("add an egress rule tcp/443 to the prefix list com.amazonaws."+j.regionOr()+".s3 (DestinationPrefixListId, e.g. from ec2.PrefixList.fromLookup or DescribeManagedPrefixLists)", "add egress { from_port = 443, to_port = 443, protocol = \"tcp\", prefix_list_ids = [data.aws_prefix_list.s3.id] }"))
		case Unknown:
			j.unknown("tcp/443 from the tasks to the S3 prefix list", firstNonEmpty(s.GroupsWhy, groupsWhy(s.Groups, true), "a rule the set cannot compare"))
		}
		for _, gw := range gws {
			if !j.covered[gw] {
				continue
			}
			if gw.CountWhy != "" {
				j.unknown("S3 gateway "+gw.ID, "it may be created zero times: "+gw.CountWhy)
			}
			j.s3Policy(gw)
		}
	case No:
		rule := "PRIVATEPULL-S3-GATEWAY"
		if len(gws) == 0 && len(ifaces) > 0 {
			rule = "PRIVATEPULL-S3-INTERFACE"
		}
		switch {
		case !sure:
			if j.out != Yes {
				j.unknown("S3 gateway", "none on the task route tables; whether the tasks pull from ECR: the image")
			}
		case len(idle) > 0 && j.out != Yes:
			j.find("PRIVATEPULL-S3-GATEWAY", "error", &s.Node,
				fmt.Sprintf("ECS service %s's subnets use route tables (%s) that no S3 gateway endpoint covers, and the gateway %s serves no subnet: the pull fails with CannotPullContainerError", s.ID, strings.Join(uncovered, ", "), idle[0].ID),
				j.fix("put the task subnets' route tables in the S3 gateway's RouteTableIds", "put the task subnets' route tables in route_table_ids"))
		case v.Ext != "" || j.hidden() != "":
			j.unknown("S3 gateway", firstNonEmpty(v.Ext, j.hidden()))
		default:
			sev := j.bySeverity("error", "warning")
			what := fmt.Sprintf("ECS service %s's subnets use route tables (%s) that no S3 gateway endpoint of VPC %s covers", s.ID, strings.Join(uncovered, ", "), v.ID)
			if rule == "PRIVATEPULL-S3-INTERFACE" {
				what += fmt.Sprintf(", and its S3 interface endpoint (%s) cannot serve ECR layers", ifaces[0].ID)
			}
			fix := j.fix("add an AWS::EC2::VPCEndpoint com.amazonaws."+j.regionOr()+".s3 with VpcEndpointType Gateway and the task subnets' route tables in RouteTableIds", "add an aws_vpc_endpoint com.amazonaws."+j.regionOr()+".s3 (vpc_endpoint_type = \"Gateway\") with the task subnets' route tables in route_table_ids")
			switch sev {
			case "error":
				j.find(rule, sev, &s.Node, what+fmt.Sprintf(": image layers come from S3 (prod-%s-starport-layer-bucket) and the tasks have no way out (%s), so the pull fails with CannotPullContainerError", j.regionOr(), j.via), fix)
			case "warning":
				j.find(rule, sev, &s.Node, what+": image layers go out through "+j.via, fix)
				j.goesOut("image layers")
			default:
				j.unknown("S3 gateway", "none on the task route tables, and "+j.via)
			}
		}
	default:
		if len(idle) > 0 && j.out != Yes && sure {
			j.find("PRIVATEPULL-S3-GATEWAY", "error", &s.Node,
				fmt.Sprintf("ECS service %s's VPC has S3 gateway %s, which serves no subnet: whatever route tables the tasks use, it gives them no route to S3", s.ID, idle[0].ID),
				j.fix("put the task subnets' route tables in the S3 gateway's RouteTableIds", "put the task subnets' route tables in route_table_ids"))
			return
		}
		j.unknown("S3 gateway on the task route tables", why)
	}
}

func (j *judgement) s3Policy(gw *Endpoint) {
	if gw.Policy == nil {
		return
	}
	target := "arn:" + j.partitionOr() + ":s3:::prod-" + j.regionSym() + "-starport-layer-bucket/sha256/0"
	switch Evaluate([]*Policy{gw.Policy}, Request{Action: "s3:GetObject", Resource: target, Account: j.account(), ResourceAccount: "aws", Known: j.known()}) {
	case No:
		j.find("PRIVATEPULL-S3-POLICY", "error", &gw.Node,
			fmt.Sprintf("S3 gateway endpoint %s has a policy that does not allow (or denies) s3:GetObject on arn:aws:s3:::prod-%s-starport-layer-bucket/*: ECR layers come from that bucket, owned by AWS, so every pull through the gateway fails with CannotPullContainerError (403)", gw.ID, j.regionOr()),
			j.fix("add a statement Allow, Principal *, s3:GetObject on arn:aws:s3:::prod-"+j.regionOr()+"-starport-layer-bucket/* (and let no Deny cover it)", "allow s3:GetObject on arn:aws:s3:::prod-"+j.regionOr()+"-starport-layer-bucket/* in the gateway's policy (and let no Deny cover it)"))
	case Unknown:
		j.unknown("policy of S3 gateway "+gw.ID, firstNonEmpty(gw.Policy.Why, "whether it allows s3:GetObject on the layer bucket "+target))
	}
}

// account, regionSym and partitionOr are the task's account, region and
// partition: literal when known, else the input's symbol for them.
func (j *judgement) account() string {
	switch {
	case j.s.In.Account != "":
		return j.s.In.Account
	case j.s.In.Terraform:
		return "${ACCOUNT}"
	}
	return "${AWS::AccountId}"
}

// known replaces the partition symbol with the partition the input's own
// ARNs name, when the environment is unknown.
func (j *judgement) known() *strings.Replacer {
	if p := j.s.In.partitionGuess; p != "" && j.s.In.Region == "" {
		return strings.NewReplacer("${AWS::Partition}", p, "${PARTITION}", p)
	}
	return nil
}

func (j *judgement) regionSym() string {
	switch {
	case j.s.In.Region != "":
		return j.s.In.Region
	case j.s.In.Terraform:
		return "${REGION}"
	}
	return "${AWS::Region}"
}

func (j *judgement) partitionOr() string {
	switch {
	case j.s.In.Region != "":
		return partition(j.s.In.Region)
	case j.s.In.partitionGuess != "":
		return j.s.In.partitionGuess // the template's own ARNs fix it
	case j.s.In.Terraform:
		return "${PARTITION}"
	}
	return "${AWS::Partition}"
}

// roleNeeds are the calls the execution role makes for the tasks: the
// pull, the awslogs streams, the secrets.
func (j *judgement) roleNeeds() []Request {
	out := []Request{}
	if len(j.ecr) > 0 {
		out = j.pullRequests(true)
	}
	base := Request{Account: j.account(), NoSourceVpc: true, Known: j.known()}
	for _, c := range j.s.Task.Containers {
		if c.LogDriver == "awslogs" {
			stream := "arn:" + j.partitionOr() + ":logs:" + j.regionSym() + ":" + j.account() + ":log-group:" + firstNonEmpty(c.LogGroup, "${?}") + ":log-stream:" + c.Name
			for _, a := range []string{"logs:CreateLogStream", "logs:PutLogEvents"} {
				r := base
				r.Action, r.Resource = a, stream
				out = append(out, r)
			}
		}
		for _, sec := range c.Secrets {
			r := base
			switch sec.Store {
			case "secretsmanager":
				r.Action, r.Resource = "secretsmanager:GetSecretValue", secretARN(sec.From)
			case "ssm":
				r.Action, r.Resource = "ssm:GetParameters", j.parameterARN(sec.From)
			default:
				continue
			}
			out = append(out, r)
		}
	}
	return out
}

// secretARN drops the JSON key, version stage and id a valueFrom may add.
func secretARN(from string) string {
	if parts := strings.Split(from, ":"); len(parts) > 7 && strings.HasPrefix(from, "arn:") {
		return strings.Join(parts[:7], ":")
	}
	if end := strings.IndexByte(from, '}'); strings.HasPrefix(from, "${") && end > 0 {
		return from[:end+1] // a secret's ARN (its Ref), then the key
	}
	return from
}

func (j *judgement) parameterARN(from string) string {
	if strings.HasPrefix(from, "arn:") {
		return from
	}
	return "arn:" + j.partitionOr() + ":ssm:" + j.regionSym() + ":" + j.account() + ":parameter/" + strings.TrimPrefix(from, "/")
}

// executionRole checks that the execution role may pull, write the logs
// and read the secrets.
func (j *judgement) executionRole() {
	t := j.s.Task
	needs := j.roleNeeds()
	if len(needs) == 0 {
		return
	}
	if t.ExecRoleWhy != "" {
		j.unknown("execution role", t.ExecRoleWhy)
		return
	}
	if t.ExecRole == nil {
		j.find("PRIVATEPULL-EXECUTION-ROLE", "error", &t.Node,
			fmt.Sprintf("Task definition %s (ECS service %s) has no execution role, but Fargate needs one to %s: the task fails to start (CannotPullContainerError / ResourceInitializationError)", t.ID, j.s.ID, needsText(needs)),
			j.fix("set ExecutionRoleArn to a role with the AmazonECSTaskExecutionRolePolicy managed policy (and the secrets' reads)", "set execution_role_arn to a role with AmazonECSTaskExecutionRolePolicy attached (and the secrets' reads)"))
		return
	}
	var missing []string
	for _, req := range needs {
		switch j.roleAllows(t.ExecRole, req) {
		case No:
			missing = append(missing, req.Action+" on "+req.Resource)
		case Unknown:
			j.unknown("execution role "+t.ExecRole.ID, firstNonEmpty(t.ExecRole.PoliciesWhy, "whether it may "+req.Action+" on "+req.Resource))
		}
	}
	if len(missing) > 0 {
		j.find("PRIVATEPULL-EXECUTION-ROLE", "error", &t.Node,
			fmt.Sprintf("Task definition %s (ECS service %s): its execution role %s is not allowed %s, which Fargate calls for the task: the task fails to start (CannotPullContainerError / ResourceInitializationError: AccessDenied)", t.ID, j.s.ID, t.ExecRole.ID, strings.Join(missing, ", ")),
			j.fix("grant role "+t.ExecRole.ID+" ecr:GetAuthorizationToken on * and the pull, log and secret actions on their resources (e.g. repository.grantPull, or the AmazonECSTaskExecutionRolePolicy managed policy)", "attach AmazonECSTaskExecutionRolePolicy to the execution role (aws_iam_role_policy_attachment) and allow the secrets' reads"))
	}
}

func needsText(needs []Request) string {
	var what []string
	for _, n := range needs {
		switch {
		case strings.HasPrefix(n.Action, "ecr:"):
			what = append(what, "pull the image")
		case strings.HasPrefix(n.Action, "logs:"):
			what = append(what, "write the awslogs streams")
		default:
			what = append(what, "read the secrets")
		}
	}
	return strings.Join(uniq(what), ", ")
}

func (j *judgement) roleAllows(r *Role, req Request) Tri {
	t := Evaluate(r.Policies, req)
	if t == No && r.PoliciesWhy != "" {
		return Unknown
	}
	return t
}

// pullThroughCache checks images pulled through an ECR cache rule.
func (j *judgement) pullThroughCache(images []ecrImage) {
	t := j.s.Task
	first := images[0].image
	if t.ExecRole != nil {
		for _, im := range images {
			req := Request{Action: "ecr:BatchImportUpstreamImage", Resource: j.repoARN(im), Account: j.account(), ResourceAccount: im.account, NoSourceVpc: true, Known: j.known()}
			switch j.roleAllows(t.ExecRole, req) {
			case No:
				j.find("PRIVATEPULL-PULL-THROUGH-CACHE", "error", &t.Node,
					fmt.Sprintf("Task definition %s pulls %s through a pull-through cache, but its execution role %s may not ecr:BatchImportUpstreamImage on %s: an image not yet cached cannot be imported and the pull fails", t.ID, im.image, t.ExecRole.ID, req.Resource),
					j.fix("allow ecr:BatchImportUpstreamImage (and ecr:CreateRepository) on the cache's repositories to the execution role", "allow ecr:BatchImportUpstreamImage (and ecr:CreateRepository) to the execution role in an aws_iam_role_policy"))
			case Unknown:
				j.unknown("ecr:BatchImportUpstreamImage of role "+t.ExecRole.ID, firstNonEmpty(t.ExecRole.PoliciesWhy, "whether it is allowed on "+req.Resource))
			}
			req.Action = "ecr:CreateRepository"
			if j.roleAllows(t.ExecRole, req) == No {
				j.find("PRIVATEPULL-PULL-THROUGH-CACHE", "warning", &t.Node,
					fmt.Sprintf("Task definition %s pulls %s through a pull-through cache, but its execution role %s may not ecr:CreateRepository: the first pull of an image whose cache repository does not exist yet fails", t.ID, im.image, t.ExecRole.ID),
					j.fix("allow ecr:CreateRepository on the cache's repositories to the execution role, or create them beforehand", "allow ecr:CreateRepository to the execution role, or create the cache repositories beforehand"))
			}
		}
	}
	switch j.out {
	case No:
		j.find("PRIVATEPULL-PULL-THROUGH-CACHE", "warning", &j.s.Node,
			fmt.Sprintf("ECS service %s pulls %s through a pull-through cache, and its tasks have no way out (%s): the first pull of an image not yet cached needs the internet, so only images already cached can start", j.s.ID, first, j.via),
			j.fix("pull each image once from a network with a way out (or give the tasks a NAT route) before relying on the cache", "pull each image once from a network with a way out (or route the task subnets through a NAT gateway) before relying on the cache"))
		j.unknown("pull through cache", "it works only once the image is cached")
	case Unknown:
		j.unknown("pull through cache", "the first pull needs the internet, and "+j.via)
	}
}
