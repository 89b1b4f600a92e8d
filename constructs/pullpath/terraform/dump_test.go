package terraform

import (
	"fmt"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// tfDump writes a model fragment as text, one node a line, for tests and
// for reading what the reader made of a configuration.
func tfDump(m *pullpath.Model) string {
	var b strings.Builder
	p := func(format string, a ...any) { fmt.Fprintf(&b, format+"\n", a...) }
	name := func(n interface{ Base() *pullpath.Node }) string {
		if n == nil {
			return "<nil>"
		}
		x := n.Base()
		if x.Ext != "" {
			return x.ID + "{" + x.Ext + "}"
		}
		return x.ID
	}
	for _, in := range m.Inputs {
		p("input %s region=%q account=%q hidden=%q", in.Path, in.Region, in.Account, in.Hidden)
	}
	for _, v := range m.VPCs {
		mt := "<nil>"
		if v.MainRouteTable != nil {
			mt = v.MainRouteTable.ID
		}
		p("vpc %s dns=%v/%v cidrs=%v main=%s", name(v), tfTri(v.DNSSupport), tfTri(v.DNSHostnames), v.CIDRs, mt)
	}
	for _, s := range m.Subnets {
		rt := "<nil>"
		if s.RouteTable != nil {
			rt = s.RouteTable.ID
		}
		vpc := "<nil>"
		if s.VPC != nil {
			vpc = name(s.VPC)
		}
		p("subnet %s vpc=%s cidr=%+v rt=%s assoc=%v why=%q", name(s), vpc, s.CIDR, rt, s.Associated, s.RouteTableWhy)
	}
	for _, t := range m.RouteTables {
		p("rt %s main=%v routes=%+v why=%q", name(t), t.Main, t.Routes, t.RoutesWhy)
	}
	for _, e := range m.Endpoints {
		var gs, ss, rs []string
		for _, g := range e.Groups {
			gs = append(gs, name(g))
		}
		for _, s := range e.Subnets {
			ss = append(ss, name(s))
		}
		for _, t := range e.RouteTables {
			rs = append(rs, name(t))
		}
		pol := "nil"
		if e.Policy != nil {
			pol = fmt.Sprintf("%+v", *e.Policy)
		}
		p("endpoint %s svc=%q type=%q dns=%v groups=%v subnets=%v rts=%v policy=%s whys=%q/%q/%q", name(e), e.Service, e.Type,
			tfTri(e.PrivateDNS), gs, ss, rs, pol, e.GroupsWhy, e.SubnetsWhy, e.RouteTablesWhy)
	}
	rule := func(r *pullpath.Rule) string {
		peer := r.CIDR.String()
		switch {
		case r.Group != nil:
			peer = "sg:" + name(r.Group)
		case r.PrefixList != "":
			peer = "pl:" + r.PrefixList + "(" + r.PrefixListName + ")"
		case r.IPv6:
			peer = "ipv6"
		case r.PeerWhy != "":
			peer = "?" + r.PeerWhy
		}
		ports := "?"
		if r.PortsKnown {
			ports = fmt.Sprintf("%d-%d", r.From, r.To)
		}
		id := ""
		if r.ID != "" {
			id = " (" + r.ID + ")"
		}
		return r.Proto + "/" + ports + "->" + peer + id
	}
	for _, g := range m.Groups {
		var eg, ig []string
		for _, r := range g.Egress {
			eg = append(eg, rule(r))
		}
		for _, r := range g.Ingress {
			ig = append(ig, rule(r))
		}
		p("group %s default=%v egress=%v ingress=%v whys=%q/%q", name(g), g.DefaultEgress, eg, ig, g.EgressWhy, g.IngressWhy)
	}
	for _, c := range m.Clusters {
		p("cluster %s strategy=%v why=%q", name(c), c.Strategy, c.StrategyWhy)
	}
	for _, r := range m.Roles {
		var ps []string
		for _, x := range r.Policies {
			ps = append(ps, fmt.Sprintf("%s%+v%s", x.Name, x.Statements, x.Why))
		}
		p("role %s policies=%v why=%q", name(r), ps, r.PoliciesWhy)
	}
	for _, t := range m.TaskDefs {
		role := "<nil>"
		if t.ExecRole != nil {
			role = name(t.ExecRole)
		}
		p("task %s mode=%q role=%s why=%q containers=%q", name(t), t.NetworkMode, role, t.ExecRoleWhy, t.ContainersWhy)
		for _, c := range t.Containers {
			p("  container %s image=%q why=%q log=%q secrets=%+v", c.Name, c.Image, c.ImageWhy, c.LogDriver, c.Secrets)
		}
	}
	for _, s := range m.Services {
		var ss, gs []string
		for _, x := range s.Subnets {
			ss = append(ss, name(x))
		}
		for _, x := range s.Groups {
			gs = append(gs, name(x))
		}
		cl := "<nil>"
		if s.Cluster != nil {
			cl = name(s.Cluster)
		}
		task := "<nil>"
		if s.Task != nil {
			task = s.Task.ID
		}
		p("service %s %s:%d cluster=%s launch=%q strategy=%v task=%s(%q) awsvpc=%v subnets=%v(%q) groups=%v(%q) public=%v exec=%v count=%q acks=%v",
			name(s), s.File, s.Line, cl, s.LaunchType, s.Strategy, task, s.TaskWhy, s.Awsvpc, ss, s.SubnetsWhy, gs, s.GroupsWhy, tfTri(s.PublicIP), tfTri(s.Exec), s.CountWhy, s.Acks)
	}
	for _, c := range m.Caches {
		p("cache %s prefix=%q upstream=%q", name(c), c.Prefix, c.Upstream)
	}
	return b.String()
}

func tfTri(t pullpath.Tri) string {
	switch t {
	case pullpath.Yes:
		return "yes"
	case pullpath.No:
		return "no"
	}
	return "unknown"
}
