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
	home     string // the tasks' region when the set pins it, else ""
	homeFrom string // what pinned it when the input does not give it
	out      Tri    // whether the tasks have a way out to the internet
	via      string // the way out, or why it is unknown
	findings []*Finding
	unknowns []string
	outs     []string // what goes out
	launch   string   // why the launch type is unknown
	s3List   string   // the prefix list taken as S3's by a mark, and why
	plWhy    string   // why a prefix list may or may not be S3's
	assumed  []string // what the judgement took for granted, for why
	natStuck string   // a NAT gateway of the task subnets whose own subnet has no internet route
	// facts (see facts.go)
	needs   []need
	kms     []*Endpoint // kms endpoints that answer for the tasks' keys
	ecr     []ecrImage  // images in this region's private ECR
	cached  []ecrImage  // those of them pulled through a cache rule
	foreign []foreign   // images from registries no endpoint serves
	s3      *s3Route    // the S3 route of the layers; nil when not needed
	// what the rules found, for the diagrams
	reached map[*Endpoint]Tri // tcp/443 from the tasks to each endpoint
	s3Out   Tri               // tcp/443 from the tasks to the S3 prefix list
}

func (j *judgement) unknown(piece, why string) {
	u := j.named(piece + ": " + why)
	if !slices.Contains(j.unknowns, u) {
		j.unknowns = append(j.unknowns, u)
	}
}

func (j *judgement) assume(what string) {
	if !slices.Contains(j.assumed, what) {
		j.assumed = append(j.assumed, what)
	}
}

func (j *judgement) goesOut(what string) {
	if !slices.Contains(j.outs, what) {
		j.outs = append(j.outs, what)
	}
}

// find records a finding on node n.
func (j *judgement) find(rule, severity string, n *Node, msg string, fix Change) {
	fix.At = n
	msg = j.named(msg)
	f := &Finding{Rule: rule, Severity: severity, Resource: n.ID, Message: msg, Fix: j.s.In.Dialect.Fix(fix), Help: HelpURI(rule), node: n}
	if j.natStuck != "" && offersNAT[fix.Kind] {
		if alt := j.s.In.Dialect.Fix(Change{Kind: MoveNATToPublicSubnet, NAT: j.natStuck, At: n}); alt != "" {
			f.Fix += "; or " + alt
		}
	}
	for _, g := range j.findings {
		if g.Rule == rule && g.node == n && g.Message == msg {
			return
		}
	}
	j.findings = append(j.findings, f)
}

// judge decides the verdict of service s.
func (m *Model) judge(s *Service) *ServiceReport {
	j := &judgement{m: m, s: s, reached: map[*Endpoint]Tri{}}
	rep := &ServiceReport{ID: s.ID, Kind: s.KindOf(), service: s, j: j}
	if why := j.skip(); why != "" {
		rep.Verdict, rep.Why = Skipped, why
		rep.Unknowns, rep.Findings = []string{}, []*Finding{}
		return rep
	}
	j.vpc = ServiceVPC(s)
	j.home = s.In.Region
	if j.home == "" {
		j.home, j.homeFrom = j.homeRegion()
	}
	j.region = j.home
	if j.region == "" {
		j.region = s.In.RegionHint
	}
	j.wayOut()
	j.facts()
	for _, r := range rules {
		r.check(j)
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
	if s.KindOf() == KindTaskDef {
		j.networkUnknown()
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
			rep.Why += "; prefix list " + j.s3List
		}
	}
	for _, a := range append(slices.Clone(s.In.Assumed), j.assumed...) {
		rep.Why += "; assuming " + a
	}
	return rep
}

func uniq(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
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
		j.launch = j.who() + " sets no launch type or strategy and names no cluster: the default cluster's default strategy decides"
	case s.Cluster.Ext != "":
		j.launch = j.who() + " sets no launch type or strategy: the default strategy of cluster " + s.Cluster.Ext + " decides"
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
	defer func() {
		// a way out is a route AND groups that let tcp/443 out: groups
		// that do not are no way out, whatever the unknown routes are
		if j.out == Unknown && reach(s.Groups, s.GroupsWhy, true, func(r *Rule) Tri {
			if r.IPv6 && r.PeerWhy == "" {
				return Unknown // an IPv6 way out the routes may give
			}
			return toInternet(r, j.vpc)
		}) == No {
			j.out, j.via = No, "the task groups allow no tcp/443 to 0.0.0.0/0 (whatever the routes: "+j.via+")"
		}
	}()
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
		if s.KindOf() != KindService {
			j.via = j.who() + " names no subnet"
		}
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
			why = "the route table of subnet " + sn.Name()
		}
		return Unknown, why
	}
	if rt.RoutesWhy != "" {
		return Unknown, rt.RoutesWhy
	}
	for _, r := range rt.Routes {
		if !r.Dest.Known() {
			return Unknown, "a route of " + rt.Name() + " to " + r.TargetID + " whose destination cannot be read"
		}
		if !r.Dest.P.IsValid() || r.Dest.P.Bits() != 0 {
			continue
		}
		switch r.Target {
		case TargetNAT:
			t, via := natOut(r)
			if t == No && r.NATSubnet != nil {
				j.natStuck = r.TargetID
			}
			return t, via
		case TargetIGW:
			switch j.s.PublicIP {
			case Yes:
				return Yes, "internet gateway " + r.TargetID + " (public IP)"
			case Unknown:
				return Unknown, "whether the tasks get a public IP (route to internet gateway " + r.TargetID + ")"
			}
			return No, "subnet " + sn.Name() + " (internet gateway, but no public IP)"
		}
		return Unknown, "where route 0.0.0.0/0 of " + rt.Name() + " to " + r.TargetID + " leads"
	}
	return No, "subnet " + sn.Name() + " (no route out)"
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
				return No, via + ", which sits in subnet " + sn.Name() + " whose route table " + sn.RouteTable.Name() + " sends 0.0.0.0/0 to NAT gateway " + x.TargetID + ", not to an internet gateway"
			}
			return Unknown, "where " + via + " leads (its subnet routes 0.0.0.0/0 to " + x.TargetID + ")"
		}
	}
	return No, via + ", which sits in subnet " + sn.Name() + " with no route to an internet gateway: its " + routesText(sn.RouteTable)
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

// account, regionSym and partitionOr are the task's account, region and
// partition: literal when known, else the input's symbol for them.
func (j *judgement) account() string {
	if j.s.In.Account != "" {
		return j.s.In.Account
	}
	return j.s.In.Dialect.Placeholder(Account)
}

// known replaces the partition symbol with the partition the input's own
// ARNs name, when the environment is unknown.
func (j *judgement) known() *strings.Replacer {
	if p := j.s.In.PartitionHint; p != "" && j.s.In.Region == "" {
		return strings.NewReplacer(j.s.In.Dialect.Placeholder(Partition), p)
	}
	return nil
}

func (j *judgement) regionSym() string {
	if j.s.In.Region != "" {
		return j.s.In.Region
	}
	return j.s.In.Dialect.Placeholder(Region)
}

func (j *judgement) partitionOr() string {
	switch {
	case j.s.In.Region != "":
		return PartitionOf(j.s.In.Region)
	case j.s.In.PartitionHint != "":
		return j.s.In.PartitionHint // the input's own ARNs fix it
	}
	return j.s.In.Dialect.Placeholder(Partition)
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

func names[T interface{ Base() *Node }](xs []T) string {
	var out []string
	for _, x := range xs {
		out = append(out, x.Base().Name())
	}
	if len(out) == 0 {
		return "none"
	}
	return strings.Join(out, ", ")
}

func subnetNames(xs []*Subnet) string { return names(xs) }
