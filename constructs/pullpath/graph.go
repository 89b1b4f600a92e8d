package pullpath

import (
	"regexp"
	"slices"
	"strings"
)

// finish links what the readers left for the whole set: subnets without an
// association use their VPC's main route table, route tables learn their
// subnets, and a group that allows all egress by default gets that rule.
func (m *Model) finish() {
	for _, sn := range m.Subnets {
		if sn.RouteTable == nil && !sn.Associated && sn.RouteTableWhy == "" {
			if sn.VPC != nil && sn.VPC.MainRouteTable != nil {
				sn.RouteTable = sn.VPC.MainRouteTable
			} else {
				sn.RouteTableWhy = "the route table of subnet " + sn.Name() + " (its VPC's main route table is outside the set)"
			}
		}
		if sn.RouteTable != nil {
			sn.RouteTable.Subnets = append(sn.RouteTable.Subnets, sn)
		}
		if sn.NetworkACL == nil && !sn.ACLAssociated && sn.NetworkACLWhy == "" && sn.VPC != nil {
			sn.NetworkACL = sn.VPC.DefaultACL
		}
		if sn.VPC != nil && len(sn.VPC.CIDRs) == 1 && sn.CIDR.In == "" {
			if b := sn.VPC.CIDRs[0]; b.P.IsValid() {
				sn.CIDR.In = b.P.String()
			} else {
				sn.CIDR.In = b.Sym
			}
		}
	}
	m.sortACLs()
	for _, g := range m.Groups {
		if g.DefaultEgress && len(g.Egress) == 0 && g.EgressWhy == "" {
			g.Egress = []*Rule{{Proto: "-1", PortsKnown: true, To: 65535, CIDR: ParseCIDR("0.0.0.0/0")}}
		}
	}
}

// ServiceVPC is the service's VPC: that of its subnets, else of its groups.
func ServiceVPC(s *Service) *VPC {
	for _, sn := range s.Subnets {
		if sn.VPC != nil {
			return sn.VPC
		}
	}
	for _, g := range s.Groups {
		if g.VPC != nil {
			return g.VPC
		}
	}
	return nil
}

// endpointsIn returns the endpoints of the set in VPC v for service svc.
func (m *Model) endpointsIn(v *VPC, svc string, gateway bool) []*Endpoint {
	var out []*Endpoint
	for _, e := range m.Endpoints {
		if e.VPC == v && e.Service == svc && (e.Type == "Gateway") == gateway {
			out = append(out, e)
		}
	}
	return out
}

// unreadableEndpoint returns an endpoint of VPC v whose service or type the
// set cannot show, or nil.
func (m *Model) unreadableEndpoint(v *VPC) *Endpoint {
	for _, e := range m.Endpoints {
		if e.VPC == v && (e.Service == "" || e.Type == "") {
			return e
		}
	}
	return nil
}

// covers443 says whether a rule covers tcp/443.
func (r *Rule) covers443() Tri {
	switch r.Proto {
	case "-1":
		return Yes
	case "":
		return Unknown
	case "tcp":
		if !r.PortsKnown {
			return Unknown
		}
		return TriOf(r.From <= 443 && 443 <= r.To)
	}
	return No
}

// reach is whether any of groups allows tcp/443 where dest says.
func reach(groups []*Group, groupsWhy string, egress bool, dest func(*Rule) Tri) Tri {
	if groupsWhy != "" || len(groups) == 0 {
		return Unknown
	}
	var ts []Tri
	for _, g := range groups {
		rules, why := g.Ingress, g.IngressWhy
		if egress {
			rules, why = g.Egress, g.EgressWhy
		}
		for _, r := range rules {
			ts = append(ts, And(r.covers443(), dest(r)))
		}
		if why != "" {
			ts = append(ts, Unknown)
		}
	}
	return Or(ts...)
}

// covers is whether block c covers subnet sn, or, when sn (nil: a subnet
// the set cannot show) has no known block, every block of the VPC.
func covers(c CIDR, sn *Subnet, v *VPC) Tri {
	if c.P.IsValid() && c.P.Bits() == 0 {
		return Yes
	}
	if sn != nil {
		if t := c.Covers(sn.CIDR); t != Unknown {
			return t
		}
	}
	if v == nil || len(v.CIDRs) == 0 {
		return Unknown
	}
	var ts []Tri
	for _, b := range v.CIDRs {
		ts = append(ts, c.Covers(b))
	}
	if And(ts...) == Yes {
		return Yes
	}
	return Unknown
}

// places are the subnets a connection may start or end in; a nil place
// stands for subnets the set cannot show.
func places(subnets []*Subnet, why string) []*Subnet {
	if why != "" || len(subnets) == 0 {
		return []*Subnet{nil}
	}
	return subnets
}

// reachEach is whether, for every place, some rule of groups allows
// tcp/443 there (a task may land in any of its subnets, an endpoint
// answers from each of its own).
func reachEach(groups []*Group, groupsWhy string, egress bool, at []*Subnet, dest func(*Rule, *Subnet) Tri) Tri {
	var ts []Tri
	for _, p := range at {
		ts = append(ts, reach(groups, groupsWhy, egress, func(r *Rule) Tri { return dest(r, p) }))
	}
	return And(ts...)
}

// sameGroup says whether rule peer g is one of groups.
func sameGroup(g *Group, groups []*Group) Tri {
	if slices.Contains(groups, g) {
		return Yes
	}
	for _, x := range groups {
		if !distinct(g, x) {
			return Unknown
		}
	}
	return No
}

// distinct says whether two group nodes are surely two groups: both are
// in the set, or one is and the other is a VPC's default group, which no
// group the set creates can be. A group from outside may be any group.
func distinct(a, b *Group) bool {
	return (a.Ext == "" || a.VPCDefault && b.Ext == "") && (b.Ext == "" || b.VPCDefault && a.Ext == "")
}

// toEndpoint is whether rule r (of a task group) sends to endpoint e's
// network interface in subnet at.
func toEndpoint(r *Rule, e *Endpoint, at *Subnet) Tri {
	switch {
	case r.PeerWhy != "":
		return Unknown
	case r.Group != nil:
		if e.GroupsWhy != "" {
			return Unknown
		}
		return sameGroup(r.Group, e.Groups)
	case r.List != nil:
		return r.List.entries(func(c CIDR) Tri { return covers(c, at, e.VPC) })
	case r.IPv6, r.PrefixList != "":
		return No
	}
	return covers(r.CIDR, at, e.VPC)
}

// fromService is whether rule r (of an endpoint group) admits service s's
// tasks in subnet at.
func fromService(r *Rule, s *Service, v *VPC, at *Subnet) Tri {
	switch {
	case r.PeerWhy != "":
		return Unknown
	case r.List != nil:
		return r.List.entries(func(c CIDR) Tri { return covers(c, at, v) })
	case r.PrefixList != "":
		return Unknown
	case r.Group != nil:
		if s.GroupsWhy != "" {
			return Unknown
		}
		return sameGroup(r.Group, s.Groups)
	case r.IPv6:
		return No
	}
	return covers(r.CIDR, at, v)
}

// toInternet is whether rule r sends anywhere on the internet.
func toInternet(r *Rule, v *VPC) Tri {
	switch {
	case r.PeerWhy != "":
		return Unknown
	case r.List != nil:
		return r.List.entries(func(c CIDR) Tri { return TriOf(c.P.IsValid() && c.P.Bits() == 0) })
	case r.PrefixList != "", r.Group != nil, r.IPv6:
		return No
	case r.CIDR.P.IsValid():
		return TriOf(r.CIDR.P.Bits() == 0)
	case v != nil && slices.ContainsFunc(v.CIDRs, func(b CIDR) bool { return b.Sym != "" && b.Sym == r.CIDR.Sym }):
		return No
	}
	return Unknown
}

var ecrHost = regexp.MustCompile(`^([0-9]{12}|\$\{[^}]*\})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+|\$\{[^}]*\})\.(amazonaws\.com(?:\.cn)?|\$\{[^}]*\})$`)

// ECRImage is a private ECR image reference, split.
type ECRImage struct {
	Account, Region, Repo, Tag, Digest string
}

// ParseECRImage splits a private ECR image reference
// (ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO[:TAG][@DIGEST]), and says
// false for an image of any other registry. A reference with neither tag
// nor digest means the tag latest.
func ParseECRImage(image string) (ECRImage, bool) {
	host, repo := registry(image)
	m := ecrHost.FindStringSubmatch(host)
	if m == nil || repo == "" {
		return ECRImage{}, false
	}
	im := ECRImage{Account: m[1], Region: m[2], Repo: repo}
	rest := strings.TrimPrefix(image, host+"/")
	if i := strings.IndexByte(rest, '@'); i >= 0 {
		rest, im.Digest = rest[:i], rest[i+1:]
	}
	if i := strings.LastIndexByte(rest, ':'); i >= 0 {
		im.Tag = rest[i+1:]
	} else if im.Digest == "" {
		im.Tag = "latest"
	}
	return im, true
}

// registry splits an image into its registry host and repository path.
func registry(image string) (host, repo string) {
	name := image
	if i := strings.IndexByte(name, '@'); i >= 0 {
		name = name[:i]
	}
	first, rest, ok := strings.Cut(name, "/")
	if !ok || !(strings.ContainsAny(first, ".:") || first == "localhost") {
		host, rest = "docker.io", name
	} else {
		host = first
	}
	// drop the tag
	if i := strings.LastIndexByte(rest, ':'); i >= 0 && !strings.Contains(rest[i:], "/") {
		rest = rest[:i]
	}
	return host, rest
}
