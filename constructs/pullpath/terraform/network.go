package terraform

import (
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

func (mp *tfMapper) fill() {
	r := mp.r
	// VPCs and their blocks.
	for _, in := range mp.insts {
		if in.res.data || (in.res.typ != "aws_vpc" && in.res.typ != "aws_default_vpc") {
			continue
		}
		v := mp.nodes[in.addr].(*pullpath.VPC)
		it := r.item(in)
		if in.res.typ == "aws_default_vpc" {
			v.DNSSupport = tfBool(r.get(it, "enable_dns_support"), pullpath.Yes)
			v.DNSHostnames = tfBool(r.get(it, "enable_dns_hostnames"), pullpath.Yes)
			b := pullpath.ParseCIDR("172.31.0.0/16")
			b.Sym = in.addr + ".cidr_block" // what a reference to it reads
			v.CIDRs = []pullpath.CIDR{b}
			continue
		}
		v.DNSSupport = tfBool(r.get(it, "enable_dns_support"), pullpath.Yes)
		v.DNSHostnames = tfBool(r.get(it, "enable_dns_hostnames"), pullpath.No)
		if r.has(it, "cidr_block") {
			s, _ := mp.str(in, "cidr_block")
			v.CIDRs = []pullpath.CIDR{tfCIDR(s)}
		} else {
			v.CIDRs = []pullpath.CIDR{{Sym: in.addr + ".cidr_block"}}
		}
	}
	for _, in := range mp.of("aws_vpc_ipv4_cidr_block_association") {
		s, _ := mp.str(in, "vpc_id")
		if v := mp.vpc(s); v != nil && v.Ext == "" {
			c, _ := mp.str(in, "cidr_block")
			cc := tfCIDR(c)
			if !cc.Known() {
				cc = pullpath.CIDR{Sym: in.addr + ".cidr_block"}
			}
			v.CIDRs = append(v.CIDRs, cc)
		}
	}
	// Route tables, then which is main.
	for _, in := range mp.of("aws_route_table") {
		s, _ := mp.str(in, "vpc_id")
		mp.nodes[in.addr].(*pullpath.RouteTable).VPC = mp.vpc(s)
	}
	for _, in := range mp.of("aws_main_route_table_association") {
		vs, _ := mp.str(in, "vpc_id")
		ts, _ := mp.str(in, "route_table_id")
		v := mp.vpc(vs)
		t, _ := mp.routeTable(ts)
		if v != nil && v.Ext == "" && t != nil {
			v.MainRouteTable, t.Main = t, true
		}
	}
	for _, in := range mp.of("aws_default_route_table") {
		t := mp.nodes[in.addr].(*pullpath.RouteTable)
		s, _ := mp.str(in, "default_route_table_id")
		if x, _, _ := mp.ref(s); x != nil {
			if v, ok := mp.nodes[x.addr].(*pullpath.VPC); ok {
				t.VPC = v
				if v.MainRouteTable == nil {
					v.MainRouteTable = t
				}
			}
		}
	}
	for _, v := range mp.m.VPCs {
		if v.Ext != "" || v.MainRouteTable != nil {
			continue
		}
		t := &pullpath.RouteTable{Node: pullpath.Node{In: mp.in, ID: v.ID + " (main route table)", File: v.File, Line: v.Line, CountWhy: v.CountWhy}, VPC: v, Main: true}
		for _, in := range mp.insts {
			if in.addr == v.ID && in.res.typ == "aws_default_vpc" {
				t.RoutesWhy = "the routes of the default VPC's main route table are not in the configuration"
			}
		}
		v.MainRouteTable = t
		mp.m.RouteTables = append(mp.m.RouteTables, t)
	}
	// Routes.
	for _, in := range mp.insts {
		if in.res.data || (in.res.typ != "aws_route_table" && in.res.typ != "aws_default_route_table") {
			continue
		}
		t := mp.nodes[in.addr].(*pullpath.RouteTable)
		items, why := r.nested(r.item(in), "route")
		if why != "" {
			t.RoutesWhy = why
		}
		for _, it := range items {
			if rt, ok := mp.route(it); ok {
				t.Routes = append(t.Routes, rt)
			}
		}
	}
	for _, in := range mp.of("aws_route") {
		s, why := mp.str(in, "route_table_id")
		t, _ := mp.routeTable(s)
		if t == nil {
			if why != "" {
				for _, n := range mp.staticRefs(in, "route_table_id", "aws_route_table") {
					n.(*pullpath.RouteTable).RoutesWhy = in.addr + ": its route_table_id is unknown (" + why + ")"
				}
			}
			continue
		}
		if rt, ok := mp.route(r.item(in)); ok {
			t.Routes = append(t.Routes, rt)
			if w := in.sc.countWhy; w != "" && t.RoutesWhy == "" {
				t.RoutesWhy = in.addr + " may exist zero or many times (" + w + ")"
			}
		}
	}
	// Subnets and their route tables.
	for _, in := range mp.insts {
		if in.res.data || (in.res.typ != "aws_subnet" && in.res.typ != "aws_default_subnet") {
			continue
		}
		sn := mp.nodes[in.addr].(*pullpath.Subnet)
		if in.res.typ == "aws_default_subnet" {
			sn.RouteTableWhy = "a default subnet: its route table is not in the configuration"
			continue
		}
		s, _ := mp.str(in, "vpc_id")
		sn.VPC = mp.vpc(s)
		c, _ := mp.str(in, "cidr_block")
		sn.CIDR = tfCIDR(c)
		if sn.VPC != nil && sn.VPC.Ext != "" {
			sn.RouteTableWhy = "the main route table of " + sn.VPC.Ext
		}
	}
	for _, in := range mp.of("aws_route_table_association") {
		ss, swhy := mp.str(in, "subnet_id")
		ts, twhy := mp.str(in, "route_table_id")
		if !r.has(r.item(in), "subnet_id") {
			continue // a gateway association
		}
		if mp.outsideAssociation(in, ss, ts) {
			continue
		}
		var subnets []*pullpath.Subnet
		if x, _, _ := mp.ref(ss); x != nil {
			if sn, ok := mp.nodes[x.addr].(*pullpath.Subnet); ok {
				subnets = append(subnets, sn)
			}
		} else if swhy != "" {
			for _, n := range mp.staticRefs(in, "subnet_id", "aws_subnet") {
				sn := n.(*pullpath.Subnet)
				if !sn.Associated && sn.RouteTableWhy == "" {
					sn.RouteTableWhy = in.addr + ": its subnet_id is unknown (" + swhy + ")"
				}
			}
		}
		for _, sn := range subnets {
			sn.Associated = true
			if w := in.sc.countWhy; w != "" {
				sn.RouteTable, sn.RouteTableWhy = nil, in.addr+" may exist zero or many times ("+w+")"
				continue
			}
			t, ext := mp.routeTable(ts)
			if t != nil {
				sn.RouteTable, sn.RouteTableWhy = t, ""
				continue
			}
			if twhy != "" {
				ext = twhy
			}
			sn.RouteTable, sn.RouteTableWhy = nil, "the route table "+ext
		}
	}
	// Security groups.
	for _, in := range mp.insts {
		if in.res.data || (in.res.typ != "aws_security_group" && in.res.typ != "aws_default_security_group") {
			continue
		}
		g := mp.nodes[in.addr].(*pullpath.Group)
		s, _ := mp.str(in, "vpc_id")
		g.VPC = mp.vpc(s)
		if in.res.typ == "aws_default_security_group" {
			if g.VPC != nil && mp.defSG[g.VPC] == nil {
				mp.defSG[g.VPC] = g
			}
		}
		for _, dir := range []string{"egress", "ingress"} {
			items, why := r.nested(r.item(in), dir)
			for _, it := range items {
				rules, w := mp.rules(it, "inline", "", g)
				if w != "" {
					why = w
				}
				mp.addRules(g, dir, rules, why)
			}
			if why != "" {
				mp.addRules(g, dir, nil, why)
			}
		}
	}
	for _, in := range mp.insts {
		if in.res.data {
			continue
		}
		var dir, kind string
		switch in.res.typ {
		case "aws_security_group_rule":
			kind = "sgrule"
			dir, _ = mp.str(in, "type")
		case "aws_vpc_security_group_egress_rule":
			kind, dir = "vpcrule", "egress"
		case "aws_vpc_security_group_ingress_rule":
			kind, dir = "vpcrule", "ingress"
		default:
			continue
		}
		s, why := mp.str(in, "security_group_id")
		g := mp.group(s)
		if g == nil {
			if why != "" {
				for _, n := range mp.staticRefs(in, "security_group_id", "aws_security_group") {
					mp.addRules(n.(*pullpath.Group), dir, nil, in.addr+": its security_group_id is unknown ("+why+")")
				}
			}
			continue
		}
		rules, w := mp.rules(r.item(in), kind, in.addr, g)
		if cw := in.sc.countWhy; cw != "" {
			// the rule may not exist: only what it would allow is unknown
			mp.addRules(g, dir, nil, in.addr+" may exist zero or many times ("+cw+")")
			continue
		}
		for _, rl := range rules {
			mp.addRules(g, dir, []*pullpath.Rule{rl}, "")
		}
		if w != "" && len(rules) == 0 {
			mp.addRules(g, dir, nil, w)
		}
		if dir != "ingress" && dir != "egress" {
			g.EgressWhy, g.IngressWhy = in.addr+": its type is unknown", in.addr+": its type is unknown"
		}
	}
	mp.fillACLs()
	mp.fillDHCP()
	mp.fillEndpoints()
	mp.fillECS()
	for _, in := range mp.of("aws_ecr_pull_through_cache_rule") {
		c := mp.nodes[in.addr].(*pullpath.CacheRule)
		c.Prefix, _ = mp.str(in, "ecr_repository_prefix")
		c.Upstream, _ = mp.str(in, "upstream_registry_url")
	}
}

func (mp *tfMapper) addRules(g *pullpath.Group, dir string, rules []*pullpath.Rule, why string) {
	switch dir {
	case "egress":
		g.Egress = append(g.Egress, rules...)
		if why != "" && g.EgressWhy == "" {
			g.EgressWhy = why
		}
	case "ingress":
		g.Ingress = append(g.Ingress, rules...)
		if why != "" && g.IngressWhy == "" {
			g.IngressWhy = why
		}
	}
}

// route reads one route; ok is false for a route the model leaves out (IPv6
// only, local).
func (mp *tfMapper) route(it tfItem) (pullpath.Route, bool) {
	r := mp.r
	var rt pullpath.Route
	first := func(names ...string) (string, string, bool) {
		for _, n := range names {
			if r.has(it, n) {
				s, why := tfStr(r.get(it, n))
				return s, why, true
			}
		}
		return "", "", false
	}
	if s, why, ok := first("cidr_block", "destination_cidr_block"); ok && (s != "" || why != "") {
		rt.Dest = tfCIDR(s)
	} else if s, why, ok := first("destination_prefix_list_id"); ok && (s != "" || why != "") {
		id, _ := mp.prefixList(s)
		rt.Dest = pullpath.CIDR{Sym: id}
	} else if _, _, ok := first("ipv6_cidr_block", "destination_ipv6_cidr_block"); ok {
		return rt, false
	}
	if s, _, ok := first("nat_gateway_id"); ok {
		rt.Target, rt.TargetID = pullpath.TargetNAT, s
		if in, _, ext := mp.ref(s); in != nil {
			if in.sc.countWhy != "" {
				rt.Target = pullpath.TargetOther // the NAT gateway may not exist
			}
			rt.TargetID = in.addr
			if in.res.typ == "aws_nat_gateway" {
				if ct, _ := tfStr(r.get(r.item(in), "connectivity_type")); ct == "private" {
					rt.Target = pullpath.TargetOther
				}
				if sn, _ := tfStr(r.get(r.item(in), "subnet_id")); sn != "" {
					rt.NATSubnet = mp.subnet(sn)
				}
			}
		} else if ext != "" {
			rt.TargetID = ext
		}
		return rt, true
	}
	if s, why, ok := first("gateway_id"); ok {
		if s == "local" {
			return rt, false
		}
		rt.Target, rt.TargetID = pullpath.TargetOther, s
		in, _, ext := mp.ref(s)
		switch {
		case in != nil:
			rt.TargetID = in.addr
			switch in.res.typ {
			case "aws_internet_gateway":
				rt.Target = pullpath.TargetIGW
			case "aws_nat_gateway":
				rt.Target = pullpath.TargetNAT
				if ct, _ := tfStr(r.get(r.item(in), "connectivity_type")); ct == "private" {
					rt.Target = pullpath.TargetOther
				}
				if sn, _ := tfStr(r.get(r.item(in), "subnet_id")); sn != "" {
					rt.NATSubnet = mp.subnet(sn)
				}
			}
		case strings.HasPrefix(s, "igw-"):
			rt.Target = pullpath.TargetIGW
		case strings.HasPrefix(s, "nat-"):
			rt.Target = pullpath.TargetNAT
		case why != "":
			rt.TargetID = why
		case ext != "":
			rt.TargetID = ext
		}
		return rt, true
	}
	for _, n := range []string{"transit_gateway_id", "vpc_peering_connection_id", "network_interface_id", "vpc_endpoint_id",
		"egress_only_gateway_id", "carrier_gateway_id", "local_gateway_id", "core_network_arn", "instance_id"} {
		if s, why, ok := first(n); ok {
			rt.Target, rt.TargetID = pullpath.TargetOther, s
			if in, _, _ := mp.ref(s); in != nil {
				rt.TargetID = in.addr
			} else if why != "" {
				rt.TargetID = n + " (" + why + ")"
			}
			return rt, true
		}
	}
	return rt, false
}

// rules reads one rule block or rule resource into rules, one per peer.
func (mp *tfMapper) rules(it tfItem, kind, id string, self *pullpath.Group) ([]*pullpath.Rule, string) {
	r := mp.r
	protoAttr, cidrs, cidr6, pls, sgs, one := "protocol", "cidr_blocks", "ipv6_cidr_blocks", "prefix_list_ids", "security_groups", false
	switch kind {
	case "sgrule":
		sgs = "source_security_group_id"
	case "vpcrule":
		protoAttr, cidrs, cidr6, pls, sgs, one = "ip_protocol", "cidr_ipv4", "cidr_ipv6", "prefix_list_id", "referenced_security_group_id", true
	}
	base := pullpath.Rule{ID: id}
	ps, pwhy := tfStr(r.get(it, protoAttr))
	if pwhy == "" {
		base.Proto = pullpath.Protocol(ps)
	}
	from, ok1 := tfInt(r.get(it, "from_port"))
	to, ok2 := tfInt(r.get(it, "to_port"))
	switch {
	case base.Proto == "-1":
		base.From, base.To, base.PortsKnown = 0, 65535, true
	case ok1 && ok2:
		base.From, base.To, base.PortsKnown = from, to, true
	case ok1 && !r.has(it, "to_port"):
		base.From, base.To, base.PortsKnown = from, from, true
	}
	var out []*pullpath.Rule
	var why string
	list := func(name string) []string {
		if !r.has(it, name) {
			return nil
		}
		v := r.get(it, name)
		var l []string
		var w string
		if one || sgs == name && kind == "sgrule" {
			var s string
			s, w = tfStr(v)
			if s != "" {
				l = []string{s}
			}
		} else {
			l, w = tfStrList(v)
		}
		if w != "" {
			rl := base
			rl.PeerWhy = w
			out = append(out, &rl)
			why = w
		}
		return l
	}
	for _, s := range list(cidrs) {
		rl := base
		rl.CIDR = tfCIDR(s)
		if !rl.CIDR.Known() {
			rl.PeerWhy = mp.r.symPhrase(s)
		}
		out = append(out, &rl)
	}
	for range list(cidr6) {
		rl := base
		rl.IPv6 = true
		out = append(out, &rl)
	}
	for _, s := range list(pls) {
		rl := base
		rl.PrefixList, rl.PrefixListName = mp.prefixList(s)
		if in, _, _ := mp.ref(s); in != nil && !in.res.data && in.res.typ == "aws_ec2_managed_prefix_list" {
			rl.List, rl.PrefixListName = mp.managedList(in), ""
		}
		out = append(out, &rl)
	}
	for _, s := range list(sgs) {
		rl := base
		rl.Group = mp.group(s)
		if rl.Group == nil {
			rl.PeerWhy = s
		}
		out = append(out, &rl)
	}
	if kind != "vpcrule" && r.has(it, "self") {
		switch tfBool(r.get(it, "self"), pullpath.No) {
		case pullpath.Yes:
			rl := base
			rl.Group = self
			out = append(out, &rl)
		case pullpath.Unknown:
			rl := base
			rl.PeerWhy = "self is unknown"
			out = append(out, &rl)
		}
	}
	return out, why
}
