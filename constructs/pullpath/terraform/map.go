package terraform

import (
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"

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
	mp.dataVPCBlocks()
	mp.m.Choices = r.boolChoices()
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
		case "aws_network_acl", "aws_default_network_acl":
			a := &pullpath.NetworkACL{Node: n}
			mp.m.NetworkACLs = append(mp.m.NetworkACLs, a)
			node = a
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
	g.VPC, g.VPCDefault = v, true
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
