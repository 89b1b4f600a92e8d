package terraform

import (
	"encoding/json"
	"github.com/privatepull/privatepull/constructs/pullpath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// tfItem is a block or an object of the attribute form of a block
// (route = [{...}]), with the scope it is read in.
type tfItem struct {
	in  *tfInst // the instance's own body (memoized attributes)
	sc  *tfScope
	b   *tfBlock
	obj cty.Value
}

func (r *tfReader) item(in *tfInst) tfItem { return tfItem{in: in, sc: in.sc, b: in.res.b} }

// get reads an attribute of an item; absent is null.
func (r *tfReader) get(it tfItem, name string) cty.Value {
	if it.b != nil {
		a := it.b.Attrs[name]
		if a == nil {
			return cty.NullVal(cty.DynamicPseudoType)
		}
		if it.in != nil {
			return r.attr(it.in, name, nil)
		}
		return r.eval(it.sc, a.Expr)
	}
	o, _ := it.obj.Unmark()
	if !o.IsKnown() {
		return tfUnknown(tfWhyOf(it.obj))
	}
	if o.IsNull() {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	if o.Type().IsObjectType() && o.Type().HasAttribute(name) {
		return o.GetAttr(name)
	}
	if o.Type().IsMapType() {
		if v := o.Index(cty.StringVal(name)); v.IsKnown() {
			return v
		}
	}
	return cty.NullVal(cty.DynamicPseudoType)
}

// has says whether an item sets an attribute.
func (r *tfReader) has(it tfItem, name string) bool {
	if it.b != nil {
		return it.b.Attrs[name] != nil
	}
	v, _ := r.get(it, name).UnmarkDeep()
	return !(v.IsKnown() && v.IsNull())
}

// nested returns the blocks of type typ in an item, dynamic blocks
// expanded; why is non-empty when some cannot be known.
func (r *tfReader) nested(it tfItem, typ string) (out []tfItem, why string) {
	objects := func(v cty.Value) {
		w := tfWhyOf(v)
		u, _ := v.Unmark()
		switch {
		case !u.IsKnown():
			if w == "" {
				w = typ + " is unknown"
			}
			why = w
		case u.IsNull():
		case u.CanIterateElements() && !u.Type().IsObjectType() && !u.Type().IsMapType():
			for i := u.ElementIterator(); i.Next(); {
				_, e := i.Element()
				out = append(out, tfItem{sc: it.sc, obj: e})
			}
		default:
			out = append(out, tfItem{sc: it.sc, obj: u})
		}
	}
	if it.b == nil {
		objects(r.get(it, typ))
		return out, why
	}
	if a := it.b.Attrs[typ]; a != nil {
		objects(r.eval(it.sc, a.Expr))
	}
	for _, c := range it.b.Blocks {
		switch {
		case c.Type == typ:
			out = append(out, tfItem{sc: it.sc, b: c})
		case c.Type == "dynamic" && c.label(0) == typ:
			iter := typ
			if a := c.Attrs["iterator"]; a != nil {
				if k := hcl.ExprAsKeyword(a.Expr); k != "" {
					iter = k
				}
			}
			var content *tfBlock
			for _, cc := range c.Blocks {
				if cc.Type == "content" {
					content = cc
				}
			}
			if content == nil || c.Attrs["for_each"] == nil {
				continue
			}
			fe := r.eval(it.sc, c.Attrs["for_each"].Expr)
			w := tfWhyOf(fe)
			u, _ := fe.UnmarkDeep()
			if !u.IsKnown() || (!u.IsNull() && !u.CanIterateElements()) {
				if w == "" {
					w = "the for_each of a dynamic " + typ + " block is unknown"
				}
				why = w
				continue
			}
			if u.IsNull() {
				continue
			}
			for _, kv := range tfElements(fe) {
				k, e := kv[0], kv[1]
				sc := it.sc.with(iter, cty.ObjectVal(map[string]cty.Value{"key": k, "value": e}))
				out = append(out, tfItem{sc: sc, b: content})
			}
		}
	}
	return out, why
}

// tfMapper turns the evaluated configuration into the model.
type tfMapper struct {
	r      *tfReader
	m      *pullpath.Model
	in     *pullpath.Input
	insts  []*tfInst
	nodes  map[string]any // instance address to node
	exts   map[string]any // kind|key to external node
	names  map[string]any // kind|name to node (clusters, roles, task families)
	defSG  map[*pullpath.VPC]*pullpath.Group
	epAssc map[*pullpath.Endpoint]bool // endpoints with security group associations
	epRepl map[*pullpath.Endpoint]bool // ... that replace the default group
}

func (r *tfReader) mapModel() (*pullpath.Model, error) {
	mp := &tfMapper{r: r, m: &pullpath.Model{Inputs: []*pullpath.Input{r.in}}, in: r.in,
		nodes: map[string]any{}, exts: map[string]any{}, names: map[string]any{}, defSG: map[*pullpath.VPC]*pullpath.Group{},
		epAssc: map[*pullpath.Endpoint]bool{}, epRepl: map[*pullpath.Endpoint]bool{}}
	var walk func(m *tfMod)
	walk = func(m *tfMod) {
		for _, res := range m.cfg.resources {
			mp.insts = append(mp.insts, m.instances(res).list...)
		}
		for _, call := range m.cfg.calls {
			ch := m.childrenOf(call)
			if ch.hidden != "" {
				r.hidden = append(r.hidden, ch.hidden)
			}
			for _, c := range ch.list {
				walk(c)
			}
		}
	}
	walk(r.root)
	if len(r.errs) > 0 {
		return nil, r.errs[0]
	}
	mp.create()
	mp.fill()
	seen := map[string]bool{}
	for _, h := range r.hidden {
		if !seen[h] {
			seen[h] = true
			r.in.Hidden = append(r.in.Hidden, h)
		}
	}
	return mp.m, nil
}

func (mp *tfMapper) node(in *tfInst) pullpath.Node {
	n := pullpath.Node{In: mp.in, ID: in.addr, File: in.res.b.File, Line: in.res.b.Line, CountWhy: in.sc.countWhy}
	for m := in.mod; n.CountWhy == "" && m != nil; m = m.parent {
		n.CountWhy = m.countWhy
	}
	if len(in.res.b.Acks) > 0 {
		n.Acks = map[string]string{}
		for k, v := range in.res.b.Acks {
			n.Acks[k] = v
		}
	}
	return n
}

func (mp *tfMapper) of(typ string) []*tfInst {
	var out []*tfInst
	for _, in := range mp.insts {
		if !in.res.data && in.res.typ == typ {
			out = append(out, in)
		}
	}
	return out
}

func (mp *tfMapper) str(in *tfInst, name string) (string, string) {
	return tfStr(mp.r.get(mp.r.item(in), name))
}

// create makes a node for every resource instance of a mapped type.
func (mp *tfMapper) create() {
	for _, in := range mp.insts {
		if in.res.data {
			continue
		}
		n := mp.node(in)
		var node any
		switch in.res.typ {
		case "aws_vpc", "aws_default_vpc":
			v := &pullpath.VPC{Node: n}
			mp.m.VPCs = append(mp.m.VPCs, v)
			node = v
		case "aws_subnet", "aws_default_subnet":
			s := &pullpath.Subnet{Node: n}
			mp.m.Subnets = append(mp.m.Subnets, s)
			node = s
		case "aws_route_table", "aws_default_route_table":
			t := &pullpath.RouteTable{Node: n, Main: in.res.typ == "aws_default_route_table"}
			mp.m.RouteTables = append(mp.m.RouteTables, t)
			node = t
		case "aws_vpc_endpoint":
			e := &pullpath.Endpoint{Node: n}
			mp.m.Endpoints = append(mp.m.Endpoints, e)
			node = e
		case "aws_security_group", "aws_default_security_group":
			g := &pullpath.Group{Node: n}
			mp.m.Groups = append(mp.m.Groups, g)
			node = g
		case "aws_ecs_service":
			s := &pullpath.Service{Node: n}
			mp.m.Services = append(mp.m.Services, s)
			node = s
		case "aws_ecs_cluster":
			c := &pullpath.Cluster{Node: n}
			mp.m.Clusters = append(mp.m.Clusters, c)
			node = c
			if s, why := mp.str(in, "name"); why == "" && s != "" {
				mp.names["cluster|"+s] = c
			}
		case "aws_ecs_task_definition":
			t := &pullpath.TaskDef{Node: n}
			mp.m.TaskDefs = append(mp.m.TaskDefs, t)
			node = t
			if s, why := mp.str(in, "family"); why == "" && s != "" {
				mp.names["family|"+s] = t
			}
		case "aws_iam_role":
			ro := &pullpath.Role{Node: n}
			mp.m.Roles = append(mp.m.Roles, ro)
			node = ro
			if s, why := mp.str(in, "name"); why == "" && s != "" {
				mp.names["role|"+s] = ro
			}
		case "aws_ecr_pull_through_cache_rule":
			c := &pullpath.CacheRule{Node: n}
			mp.m.Caches = append(mp.m.Caches, c)
			node = c
		default:
			continue
		}
		mp.nodes[in.addr] = node
	}
}

// ref resolves a string that names something: the instance of a symbol in
// it, and what it is when it is not in the configuration (ext).
func (mp *tfMapper) ref(s string) (in *tfInst, attr, ext string) {
	if s == "" {
		return nil, "", ""
	}
	if sym := mp.r.syms[s]; sym != nil {
		return sym.inst, sym.attr, sym.ext
	}
	if !strings.Contains(s, "${") {
		return nil, "", s
	}
	rest := s
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			break
		}
		j := strings.Index(rest[i:], "}")
		if j < 0 {
			break
		}
		if sym := mp.r.syms[rest[i:i+j+1]]; sym != nil && sym.inst != nil && sym.ext == "" {
			return sym.inst, sym.attr, ""
		}
		rest = rest[i+j+1:]
	}
	if s == "${?}" {
		return nil, "", "an unknown value"
	}
	return nil, "", s
}

// extKey is the id of an external node.
func tfExtID(s string) string {
	if in, ok := tfSymInner(s); ok {
		return in
	}
	return s
}

func (mp *tfMapper) extVPC(key, phrase string) *pullpath.VPC {
	if v, ok := mp.exts["vpc|"+key].(*pullpath.VPC); ok {
		return v
	}
	v := &pullpath.VPC{Node: pullpath.Node{In: mp.in, ID: tfExtID(key), Ext: phrase}}
	mp.exts["vpc|"+key] = v
	mp.m.VPCs = append(mp.m.VPCs, v)
	return v
}

func (mp *tfMapper) vpc(s string) *pullpath.VPC {
	in, _, ext := mp.ref(s)
	if in != nil {
		if v, ok := mp.nodes[in.addr].(*pullpath.VPC); ok {
			return v
		}
		if ext == "" {
			ext = mp.r.symPhrase(s)
		}
	}
	if ext == "" {
		return nil
	}
	return mp.extVPC(s, ext)
}

func (mp *tfMapper) subnet(s string) *pullpath.Subnet {
	in, _, ext := mp.ref(s)
	if in != nil {
		if v, ok := mp.nodes[in.addr].(*pullpath.Subnet); ok {
			return v
		}
		if ext == "" {
			ext = mp.r.symPhrase(s)
		}
	}
	if ext == "" {
		return nil
	}
	if v, ok := mp.exts["subnet|"+s].(*pullpath.Subnet); ok {
		return v
	}
	v := &pullpath.Subnet{Node: pullpath.Node{In: mp.in, ID: tfExtID(s), Ext: ext}, RouteTableWhy: ext}
	mp.exts["subnet|"+s] = v
	mp.m.Subnets = append(mp.m.Subnets, v)
	return v
}

func (mp *tfMapper) extGroup(key, phrase string) *pullpath.Group {
	if g, ok := mp.exts["group|"+key].(*pullpath.Group); ok {
		return g
	}
	g := &pullpath.Group{Node: pullpath.Node{In: mp.in, ID: tfExtID(key), Ext: phrase}, EgressWhy: phrase, IngressWhy: phrase}
	mp.exts["group|"+key] = g
	mp.m.Groups = append(mp.m.Groups, g)
	return g
}

func (mp *tfMapper) group(s string) *pullpath.Group {
	in, _, ext := mp.ref(s)
	if in != nil {
		if g, ok := mp.nodes[in.addr].(*pullpath.Group); ok {
			return g
		}
		if ext == "" {
			ext = mp.r.symPhrase(s)
		}
	}
	if ext == "" {
		return nil
	}
	return mp.extGroup(s, ext)
}

// defaultGroup is the default security group of a VPC.
func (mp *tfMapper) defaultGroup(v *pullpath.VPC) *pullpath.Group {
	if g := mp.defSG[v]; g != nil {
		return g
	}
	name := "the service's VPC"
	key := "?"
	if v != nil {
		name, key = v.Name(), v.ID
	}
	g := mp.extGroup("default|"+key, "the default security group of "+name)
	g.ID = key + " (default security group)"
	g.VPC = v
	return g
}

// routeTable resolves a route table id: a table, or the main table of a
// VPC (main_route_table_id, default_route_table_id).
func (mp *tfMapper) routeTable(s string) (*pullpath.RouteTable, string) {
	in, attr, ext := mp.ref(s)
	if in != nil {
		switch n := mp.nodes[in.addr].(type) {
		case *pullpath.RouteTable:
			return n, ""
		case *pullpath.VPC:
			if (attr == "main_route_table_id" || attr == "default_route_table_id") && n.MainRouteTable != nil {
				return n.MainRouteTable, ""
			}
		}
		if ext == "" {
			ext = mp.r.symPhrase(s)
		}
	}
	return nil, ext
}

// tfStaticRefs lists the instances of resources of type typ that an
// attribute's expression names (used when its value is unknown).
func (mp *tfMapper) staticRefs(in *tfInst, name string, typ string) []any {
	a := in.res.b.Attrs[name]
	if a == nil {
		return nil
	}
	var out []any
	for _, t := range a.Expr.Variables() {
		if t.RootName() != typ {
			continue
		}
		if res := in.mod.cfg.byAddr[typ+"."+tfAttrName(t, 1)]; res != nil {
			for _, x := range in.mod.instances(res).list {
				if n := mp.nodes[x.addr]; n != nil {
					out = append(out, n)
				}
			}
		}
	}
	return out
}

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
			v.CIDRs = []pullpath.CIDR{pullpath.ParseCIDR("172.31.0.0/16")}
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

func tfProto(s string) string {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "-1", "all":
		return "-1"
	case "6", "tcp":
		return "tcp"
	case "17", "udp":
		return "udp"
	case "1", "icmp":
		return "icmp"
	}
	return strings.ToLower(strings.TrimSpace(s))
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
		base.Proto = tfProto(ps)
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

// prefixList names a prefix list and gives its name when known.
func (mp *tfMapper) prefixList(s string) (id, name string) {
	in, attr, ext := mp.ref(s)
	r := mp.r
	switch {
	case in != nil && in.res.data && (in.res.typ == "aws_prefix_list" || in.res.typ == "aws_ec2_managed_prefix_list"):
		it := r.item(in)
		if n, why := tfStr(r.get(it, "name")); why == "" && n != "" {
			name = n
		}
		fs, _ := r.nested(it, "filter")
		for _, f := range fs {
			if fn, _ := tfStr(r.get(f, "name")); fn == "prefix-list-name" {
				if l, why := tfStrList(r.get(f, "values")); why == "" && len(l) == 1 {
					name = l[0]
				}
			}
		}
		return in.addr, name
	case in != nil && in.res.typ == "aws_vpc_endpoint" && attr == "prefix_list_id":
		if sn, why := tfStr(r.get(r.item(in), "service_name")); why == "" {
			if tfServiceShort(sn) == "s3" {
				name = "com.amazonaws." + in.region() + ".s3"
			}
		}
		return in.addr + ".prefix_list_id", name
	case in != nil:
		if n, why := tfStr(r.get(r.item(in), "name")); why == "" && !in.res.data {
			name = n
		}
		return in.addr, name
	case ext != "" && ext != s:
		return tfExtID(s), ""
	}
	return s, ""
}

// tfServiceShort is the service of an endpoint service name:
// com.amazonaws.REGION.ecr.api is ecr.api.
func tfServiceShort(s string) string {
	var parts []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "${"):
			depth++
		case s[i] == '}' && depth > 0:
			depth--
		case s[i] == '.' && depth == 0:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	parts = append(parts, s[start:])
	if len(parts) > 0 && parts[0] == "cn" {
		parts = parts[1:]
	}
	if len(parts) < 4 || parts[0] != "com" || parts[1] != "amazonaws" {
		return ""
	}
	return strings.Join(parts[3:], ".")
}

func (mp *tfMapper) fillEndpoints() {
	r := mp.r
	for _, in := range mp.of("aws_vpc_endpoint") {
		e := mp.nodes[in.addr].(*pullpath.Endpoint)
		it := r.item(in)
		s, _ := mp.str(in, "vpc_id")
		e.VPC = mp.vpc(s)
		e.ServiceName, _ = mp.str(in, "service_name")
		e.Service = tfServiceShort(e.ServiceName)
		if t, why := mp.str(in, "vpc_endpoint_type"); why != "" {
			e.Type = ""
		} else if t == "" {
			e.Type = "Gateway"
		} else {
			e.Type = t
		}
		e.PrivateDNS = tfBool(r.get(it, "private_dns_enabled"), pullpath.No)
		if l, why := tfStrList(r.get(it, "security_group_ids")); why != "" {
			e.GroupsWhy = why
		} else {
			for _, g := range l {
				if x := mp.group(g); x != nil {
					e.Groups = append(e.Groups, x)
				}
			}
		}
		if l, why := tfStrList(r.get(it, "subnet_ids")); why != "" {
			e.SubnetsWhy = why
		} else {
			for _, g := range l {
				if x := mp.subnet(g); x != nil {
					e.Subnets = append(e.Subnets, x)
				}
			}
		}
		if l, why := tfStrList(r.get(it, "route_table_ids")); why != "" {
			e.RouteTablesWhy = why
		} else {
			for _, g := range l {
				if t, ext := mp.routeTable(g); t != nil {
					e.RouteTables = append(e.RouteTables, t)
				} else if e.RouteTablesWhy == "" {
					e.RouteTablesWhy = "the route table " + ext
				}
			}
		}
		if r.has(it, "policy") {
			e.Policy = mp.policy(in.addr+" policy", r.get(it, "policy"))
		}
	}
	endpoint := func(in *tfInst) *pullpath.Endpoint {
		s, _ := mp.str(in, "vpc_endpoint_id")
		if x, _, _ := mp.ref(s); x != nil {
			e, _ := mp.nodes[x.addr].(*pullpath.Endpoint)
			return e
		}
		return nil
	}
	for _, in := range mp.insts {
		if in.res.data {
			continue
		}
		switch in.res.typ {
		case "aws_vpc_endpoint_route_table_association":
			if e := endpoint(in); e != nil {
				s, why := mp.str(in, "route_table_id")
				if t, ext := mp.routeTable(s); t != nil {
					e.RouteTables = append(e.RouteTables, t)
				} else if why != "" {
					e.RouteTablesWhy = why
				} else {
					e.RouteTablesWhy = "the route table " + ext
				}
			}
		case "aws_vpc_endpoint_subnet_association":
			if e := endpoint(in); e != nil {
				s, why := mp.str(in, "subnet_id")
				if x := mp.subnet(s); x != nil {
					e.Subnets = append(e.Subnets, x)
				} else if why != "" {
					e.SubnetsWhy = why
				}
			}
		case "aws_vpc_endpoint_security_group_association":
			if e := endpoint(in); e != nil {
				s, why := mp.str(in, "security_group_id")
				if x := mp.group(s); x != nil {
					e.Groups = append(e.Groups, x)
				} else if why != "" {
					e.GroupsWhy = why
				}
				mp.epAssc[e] = true
				if tfBool(mp.r.get(mp.r.item(in), "replace_default_association"), pullpath.No) == pullpath.Yes {
					mp.epRepl[e] = true
				}
			}
		case "aws_vpc_endpoint_policy":
			if e := endpoint(in); e != nil {
				e.Policy = mp.policy(in.addr, mp.r.get(mp.r.item(in), "policy"))
			}
		case "aws_vpc_endpoint_private_dns":
			if e := endpoint(in); e != nil {
				e.PrivateDNS = tfBool(mp.r.get(mp.r.item(in), "private_dns_enabled"), pullpath.Unknown)
			}
		}
	}
	for _, in := range mp.of("aws_vpc_endpoint") {
		e := mp.nodes[in.addr].(*pullpath.Endpoint)
		if e.Type != "Interface" || e.GroupsWhy != "" {
			continue
		}
		own := r.has(r.item(in), "security_group_ids")
		if l, _ := tfStrList(r.get(r.item(in), "security_group_ids")); len(l) == 0 {
			own = false
		}
		if !own && !mp.epRepl[e] {
			e.Groups = append([]*pullpath.Group{mp.defaultGroup(e.VPC)}, e.Groups...)
		}
	}
}

// policy reads a policy document from its JSON text.
func (mp *tfMapper) policy(name string, v cty.Value) *pullpath.Policy {
	s, why := tfStr(v)
	if why != "" {
		return &pullpath.Policy{Name: name, Why: why}
	}
	// Unknown parts of the document are "${?}" in its strings.
	return tfParsePolicy(name, s)
}

func tfStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// tfParsePolicy parses an IAM policy document.
func tfParsePolicy(name, s string) *pullpath.Policy {
	var doc any
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return &pullpath.Policy{Name: name, Why: name + " is not a JSON policy document"}
	}
	return pullpath.ParsePolicy(name, doc, tfStrings)
}

// attach adds a managed policy by ARN to a role.
func (mp *tfMapper) attach(ro *pullpath.Role, arn, why string) {
	if why != "" {
		if ro.PoliciesWhy == "" {
			ro.PoliciesWhy = why
		}
		return
	}
	in, _, ext := mp.ref(arn)
	if in != nil && !in.res.data && in.res.typ == "aws_iam_policy" {
		ro.Policies = append(ro.Policies, mp.policy(in.addr, mp.r.get(mp.r.item(in), "policy")))
		return
	}
	if strings.Contains(arn, ":iam::aws:policy/") {
		if p := pullpath.ManagedPolicy(arn); p != nil {
			ro.Policies = append(ro.Policies, p)
			return
		}
		if ro.PoliciesWhy == "" {
			ro.PoliciesWhy = "the AWS managed policy " + arn + " (not known to pullcheck)"
		}
		return
	}
	if ro.PoliciesWhy == "" {
		if ext == "" {
			ext = arn
		}
		ro.PoliciesWhy = "the policy " + ext
	}
}

// roleOf resolves a role by reference, name or ARN.
func (mp *tfMapper) roleOf(s string, byName bool) *pullpath.Role {
	in, _, ext := mp.ref(s)
	if in != nil {
		if ro, ok := mp.nodes[in.addr].(*pullpath.Role); ok {
			return ro
		}
	}
	if s == "" {
		return nil
	}
	name := s
	if i := strings.Index(s, ":role/"); i >= 0 {
		name = s[strings.LastIndex(s, "/")+1:]
	} else if !byName {
		name = ""
	}
	if ro, ok := mp.names["role|"+name].(*pullpath.Role); ok && name != "" {
		return ro
	}
	if ext == "" {
		ext = mp.r.symPhrase(s)
	}
	if ro, ok := mp.exts["role|"+s].(*pullpath.Role); ok {
		return ro
	}
	ro := &pullpath.Role{Node: pullpath.Node{In: mp.in, ID: tfExtID(s), Ext: ext}, PoliciesWhy: ext}
	mp.exts["role|"+s] = ro
	mp.m.Roles = append(mp.m.Roles, ro)
	return ro
}

func (mp *tfMapper) fillECS() {
	r := mp.r
	// Roles and policies.
	for _, in := range mp.of("aws_iam_role") {
		ro := mp.nodes[in.addr].(*pullpath.Role)
		items, why := r.nested(r.item(in), "inline_policy")
		if why != "" {
			ro.PoliciesWhy = why
		}
		for _, it := range items {
			if !r.has(it, "policy") {
				continue
			}
			n, _ := tfStr(r.get(it, "name"))
			ro.Policies = append(ro.Policies, mp.policy(in.addr+" inline policy "+n, r.get(it, "policy")))
		}
		if r.has(r.item(in), "managed_policy_arns") {
			l, why := tfStrList(r.get(r.item(in), "managed_policy_arns"))
			for _, a := range l {
				mp.attach(ro, a, "")
			}
			if why != "" {
				mp.attach(ro, "", why)
			}
		}
	}
	for _, in := range mp.insts {
		if in.res.data {
			continue
		}
		switch in.res.typ {
		case "aws_iam_role_policy":
			s, _ := mp.str(in, "role")
			if ro := mp.roleOf(s, true); ro != nil && ro.Ext == "" {
				ro.Policies = append(ro.Policies, mp.policy(in.addr, r.get(r.item(in), "policy")))
			}
		case "aws_iam_role_policy_attachment":
			s, _ := mp.str(in, "role")
			if ro := mp.roleOf(s, true); ro != nil && ro.Ext == "" {
				a, why := mp.str(in, "policy_arn")
				mp.attach(ro, a, why)
			}
		case "aws_iam_policy_attachment":
			l, _ := tfStrList(r.get(r.item(in), "roles"))
			for _, s := range l {
				if ro := mp.roleOf(s, true); ro != nil && ro.Ext == "" {
					a, why := mp.str(in, "policy_arn")
					mp.attach(ro, a, why)
				}
			}
		}
	}
	// Clusters.
	strategy := func(it tfItem, typ string) ([]string, string) {
		items, why := r.nested(it, typ)
		var out []string
		for _, x := range items {
			s, w := tfStr(r.get(x, "capacity_provider"))
			if w != "" {
				why = w
				continue
			}
			out = append(out, s)
		}
		return out, why
	}
	for _, in := range mp.of("aws_ecs_cluster") {
		c := mp.nodes[in.addr].(*pullpath.Cluster)
		c.Strategy, c.StrategyWhy = strategy(r.item(in), "default_capacity_provider_strategy")
	}
	for _, in := range mp.of("aws_ecs_cluster_capacity_providers") {
		s, _ := mp.str(in, "cluster_name")
		if c := mp.cluster(s); c != nil && c.Ext == "" {
			c.Strategy, c.StrategyWhy = strategy(r.item(in), "default_capacity_provider_strategy")
		}
	}
	// Task definitions.
	for _, in := range mp.of("aws_ecs_task_definition") {
		t := mp.nodes[in.addr].(*pullpath.TaskDef)
		it := r.item(in)
		if r.has(it, "network_mode") {
			s, why := mp.str(in, "network_mode")
			if why != "" {
				s = "?"
			}
			t.NetworkMode = s
		}
		if r.has(it, "execution_role_arn") {
			s, why := mp.str(in, "execution_role_arn")
			if why != "" {
				t.ExecRoleWhy = why
			} else {
				t.ExecRole = mp.roleOf(s, false)
			}
		}
		v := r.get(it, "container_definitions")
		s, why := tfStr(v)
		if why != "" {
			t.ContainersWhy = why
			continue
		}
		t.Containers, t.ContainersWhy = mp.containers(s, tfWhyOf(v))
	}
	// Services.
	for _, in := range mp.of("aws_ecs_service") {
		sv := mp.nodes[in.addr].(*pullpath.Service)
		it := r.item(in)
		if r.has(it, "cluster") {
			s, why := mp.str(in, "cluster")
			if why != "" {
				sv.Cluster = mp.extCluster("?"+in.addr, why)
			} else {
				sv.Cluster = mp.cluster(s)
			}
		}
		if r.has(it, "launch_type") {
			s, why := mp.str(in, "launch_type")
			if why != "" {
				s = "?"
			}
			sv.LaunchType = strings.ToUpper(s)
		}
		sv.Strategy, sv.StrategyWhy = strategy(it, "capacity_provider_strategy")
		ts, twhy := mp.str(in, "task_definition")
		switch {
		case twhy != "":
			sv.TaskWhy = twhy
		case ts == "":
			sv.TaskWhy = "no task definition"
		default:
			sv.Task, sv.TaskWhy = mp.taskDef(ts)
		}
		sv.Exec = tfBool(r.get(it, "enable_execute_command"), pullpath.No)
		sv.PublicIP = pullpath.No
		ncs, nwhy := r.nested(it, "network_configuration")
		if nwhy != "" {
			sv.Awsvpc = true
			sv.SubnetsWhy, sv.GroupsWhy, sv.PublicIP = nwhy, nwhy, pullpath.Unknown
		}
		if len(ncs) > 0 {
			nc := ncs[0]
			sv.Awsvpc = true
			sv.PublicIP = tfBool(r.get(nc, "assign_public_ip"), pullpath.No)
			l, why := tfStrList(r.get(nc, "subnets"))
			sv.SubnetsWhy = why
			for _, s := range l {
				if x := mp.subnet(s); x != nil {
					sv.Subnets = append(sv.Subnets, x)
				}
			}
			gl, gwhy := tfStrList(r.get(nc, "security_groups"))
			sv.GroupsWhy = gwhy
			for _, s := range gl {
				if x := mp.group(s); x != nil {
					sv.Groups = append(sv.Groups, x)
				}
			}
			if gwhy == "" && len(sv.Groups) == 0 {
				var v *pullpath.VPC
				for _, sn := range sv.Subnets {
					if sn.VPC != nil {
						v = sn.VPC
						break
					}
				}
				sv.Groups = []*pullpath.Group{mp.defaultGroup(v)}
			}
		}
	}
}

func (mp *tfMapper) extCluster(key, phrase string) *pullpath.Cluster {
	if c, ok := mp.exts["cluster|"+key].(*pullpath.Cluster); ok {
		return c
	}
	c := &pullpath.Cluster{Node: pullpath.Node{In: mp.in, ID: tfExtID(key), Ext: phrase}, StrategyWhy: phrase}
	mp.exts["cluster|"+key] = c
	mp.m.Clusters = append(mp.m.Clusters, c)
	return c
}

// cluster resolves a cluster by reference, name or ARN.
func (mp *tfMapper) cluster(s string) *pullpath.Cluster {
	in, _, ext := mp.ref(s)
	if in != nil {
		if c, ok := mp.nodes[in.addr].(*pullpath.Cluster); ok {
			return c
		}
	}
	name := s
	if i := strings.Index(s, ":cluster/"); i >= 0 {
		name = s[i+len(":cluster/"):]
	}
	if c, ok := mp.names["cluster|"+name].(*pullpath.Cluster); ok {
		return c
	}
	if s == "" {
		return nil
	}
	if ext == "" {
		ext = mp.r.symPhrase(s)
	}
	if !strings.HasPrefix(ext, "the ") {
		ext = "the cluster " + ext
	}
	return mp.extCluster(s, ext)
}

// taskDef resolves a task definition by reference, family[:revision] or
// ARN.
func (mp *tfMapper) taskDef(s string) (*pullpath.TaskDef, string) {
	in, _, ext := mp.ref(s)
	if in != nil {
		if t, ok := mp.nodes[in.addr].(*pullpath.TaskDef); ok {
			return t, ""
		}
	}
	fam := s
	if i := strings.Index(fam, ":task-definition/"); i >= 0 {
		fam = fam[i+len(":task-definition/"):]
	}
	if i := strings.LastIndex(fam, ":"); i >= 0 {
		fam = fam[:i]
	}
	if t, ok := mp.names["family|"+fam].(*pullpath.TaskDef); ok {
		return t, ""
	}
	if ext == "" || ext == s {
		ext = "the task definition " + s + ", not in the configuration"
	}
	return nil, ext
}

// containers reads container_definitions.
func (mp *tfMapper) containers(s, why string) ([]*pullpath.Container, string) {
	var defs []map[string]any
	if err := json.Unmarshal([]byte(s), &defs); err != nil {
		var one map[string]any
		if json.Unmarshal([]byte(s), &one) == nil && one != nil {
			defs = []map[string]any{one}
		} else {
			if sym := mp.r.syms[strings.TrimSpace(s)]; why == "" && sym != nil {
				why = mp.r.symPhrase(strings.TrimSpace(s))
			}
			if why == "" {
				why = "container_definitions is not a JSON list of containers"
			}
			return nil, why
		}
	}
	var out []*pullpath.Container
	for _, d := range defs {
		c := &pullpath.Container{}
		c.Name, _ = d["name"].(string)
		c.Image, _ = d["image"].(string)
		switch {
		case c.Image == "" || c.Image == "${?}":
			c.Image = ""
			c.ImageWhy = why
			if c.ImageWhy == "" {
				c.ImageWhy = "no image"
			}
		case strings.HasPrefix(c.Image, "${") && strings.HasSuffix(c.Image, "}") && strings.Count(c.Image, "${") == 1:
			if sym := mp.r.syms[c.Image]; sym != nil && sym.ext != "" {
				c.ImageWhy = sym.ext
			} else if sym == nil {
				c.ImageWhy = c.Image
			}
		}
		if lc, ok := d["logConfiguration"].(map[string]any); ok {
			c.LogDriver, _ = lc["logDriver"].(string)
			opts, _ := lc["options"].(map[string]any)
			c.LogGroup, _ = opts["awslogs-group"].(string)
		}
		if ss, ok := d["secrets"].([]any); ok {
			for _, x := range ss {
				sm, _ := x.(map[string]any)
				from, _ := sm["valueFrom"].(string)
				c.Secrets = append(c.Secrets, pullpath.Secret{Store: mp.secretStore(from), From: from})
			}
		}
		if rc, ok := d["repositoryCredentials"].(map[string]any); ok {
			if from, _ := rc["credentialsParameter"].(string); from != "" {
				c.Secrets = append(c.Secrets, pullpath.Secret{Store: "secretsmanager", From: from})
			}
		}
		out = append(out, c)
	}
	return out, ""
}

func (mp *tfMapper) secretStore(from string) string {
	if in, _, _ := mp.ref(from); in != nil {
		switch {
		case strings.HasPrefix(in.res.typ, "aws_secretsmanager_"):
			return "secretsmanager"
		case strings.HasPrefix(in.res.typ, "aws_ssm_"):
			return "ssm"
		}
	}
	return pullpath.SecretStore(from)
}

// policyDocument evaluates a data.aws_iam_policy_document into its JSON.
func (r *tfReader) policyDocument(in *tfInst) cty.Value {
	it := r.item(in)
	var why string
	strs := func(v cty.Value) []string {
		l, w := tfStrList(v)
		if w != "" {
			why = w
			l = append(l, "${?}")
		}
		return l
	}
	parse := func(docs cty.Value) []map[string]any {
		var out []map[string]any
		for _, s := range strs(docs) {
			var d struct{ Statement json.RawMessage }
			if json.Unmarshal([]byte(s), &d) != nil {
				continue
			}
			var l []map[string]any
			if json.Unmarshal(d.Statement, &l) != nil {
				var one map[string]any
				if json.Unmarshal(d.Statement, &one) == nil {
					l = []map[string]any{one}
				}
			}
			out = append(out, l...)
		}
		return out
	}
	stmts := parse(r.get(it, "source_policy_documents"))
	items, w := r.nested(it, "statement")
	if w != "" {
		why = w
	}
	for _, st := range items {
		o := map[string]any{}
		if s, _ := tfStr(r.get(st, "sid")); s != "" {
			o["Sid"] = s
		}
		eff, w := tfStr(r.get(st, "effect"))
		if w != "" {
			why, eff = w, "${?}"
		}
		if eff == "" {
			eff = "Allow"
		}
		o["Effect"] = eff
		for _, f := range [][2]string{{"actions", "Action"}, {"not_actions", "NotAction"}, {"resources", "Resource"}, {"not_resources", "NotResource"}} {
			if r.has(st, f[0]) {
				o[f[1]] = strs(r.get(st, f[0]))
			}
		}
		for _, f := range [][2]string{{"principals", "Principal"}, {"not_principals", "NotPrincipal"}} {
			ps, w := r.nested(st, f[0])
			if w != "" {
				why = w
			}
			if len(ps) == 0 {
				continue
			}
			pm := map[string]any{}
			var star bool
			for _, p := range ps {
				t, _ := tfStr(r.get(p, "type"))
				ids := strs(r.get(p, "identifiers"))
				if t == "*" {
					star = true
					continue
				}
				prev, _ := pm[t].([]string)
				pm[t] = append(prev, ids...)
			}
			if star && len(pm) == 0 {
				o[f[1]] = "*"
			} else {
				o[f[1]] = pm
			}
		}
		cs, w := r.nested(st, "condition")
		if w != "" {
			why = w
		}
		if len(cs) > 0 {
			cm := map[string]map[string][]string{}
			for _, c := range cs {
				test, _ := tfStr(r.get(c, "test"))
				variable, _ := tfStr(r.get(c, "variable"))
				if cm[test] == nil {
					cm[test] = map[string][]string{}
				}
				cm[test][variable] = append(cm[test][variable], strs(r.get(c, "values"))...)
			}
			o["Condition"] = cm
		}
		stmts = append(stmts, o)
	}
	for _, ov := range parse(r.get(it, "override_policy_documents")) {
		sid, _ := ov["Sid"].(string)
		replaced := false
		for i, st := range stmts {
			if s, _ := st["Sid"].(string); sid != "" && s == sid {
				stmts[i], replaced = ov, true
			}
		}
		if !replaced {
			stmts = append(stmts, ov)
		}
	}
	version, _ := tfStr(r.get(it, "version"))
	if version == "" {
		version = "2012-10-17"
	}
	if stmts == nil {
		stmts = []map[string]any{}
	}
	b, err := json.Marshal(map[string]any{"Version": version, "Statement": stmts})
	if err != nil {
		return tfUnknown(in.addr + " (cannot be written as JSON)")
	}
	v := cty.StringVal(string(b))
	if why != "" {
		v = v.Mark(tfWhy(why))
	}
	return v
}
