package terraform

import (
	"slices"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// exprKey names what a subnet expression refers to when it is a plain
// reference (var.subnet_ids, data.aws_subnets.x.ids, module.vpc.private_subnets),
// seen through toset/tolist; "" otherwise. Two equal keys of one module are
// the same value.
func exprKey(mod *tfMod, e hcl.Expression) string {
	for {
		call, ok := e.(*hclsyntax.FunctionCallExpr)
		if !ok || len(call.Args) != 1 || (call.Name != "toset" && call.Name != "tolist") {
			break
		}
		e = call.Args[0]
	}
	t, ok := e.(*hclsyntax.ScopeTraversalExpr)
	if !ok {
		return ""
	}
	var b strings.Builder
	for _, step := range t.Traversal {
		switch s := step.(type) {
		case hcl.TraverseRoot:
			b.WriteString(s.Name)
		case hcl.TraverseAttr:
			b.WriteString("." + s.Name)
		default:
			return "" // an index: one item, not the list
		}
	}
	switch root := t.Traversal.RootName(); root {
	case "var", "data", "module", "local":
	default:
		return ""
	}
	return mod.addr + "|" + b.String()
}

// outsideAssociation reads an association of a route table of the module
// with subnets from outside it: subnet_id = var.subnet_a (one subnet), or
// for_each over a list with subnet_id = each.value (every subnet of the
// list). The same reference on both sides is the same subnets: the table is
// theirs. It says whether it took the association.
func (mp *tfMapper) outsideAssociation(in *tfInst, ss, ts string) bool {
	t, _ := mp.routeTable(ts)
	if t == nil || t.Ext != "" {
		return false
	}
	b := in.res.b
	a := b.Attrs["subnet_id"]
	if a == nil {
		return false
	}
	var sn *pullpath.Subnet
	if fe := b.Attrs["for_each"]; fe != nil {
		st, ok := a.Expr.(*hclsyntax.ScopeTraversalExpr)
		key := exprKey(in.mod, fe.Expr)
		if !ok || key == "" || len(st.Traversal) != 2 || st.Traversal.RootName() != "each" || tfAttrName(st.Traversal, 1) != "value" {
			return false
		}
		sn = mp.listSubnets(key)
		if x := mp.subnet(ss); x != nil && x.Ext != "" && !strings.Contains(ss, "${") && !x.Associated {
			// a known item of the list: that subnet uses the table too
			x.Associated, x.RouteTable, x.RouteTableWhy = true, t, ""
		}
	} else {
		if in.sc.countWhy != "" {
			return false
		}
		if x, _, _ := mp.ref(ss); x != nil {
			return false // a subnet of the module
		}
		if sn = mp.subnet(ss); sn == nil || sn.Ext == "" {
			return false
		}
	}
	if !sn.Associated {
		sn.Associated, sn.RouteTable, sn.RouteTableWhy = true, t, ""
	}
	return true
}

// listSubnets is the one node that stands for every subnet of list key.
func (mp *tfMapper) listSubnets(key string) *pullpath.Subnet {
	if v, ok := mp.exts["subnets|"+key].(*pullpath.Subnet); ok {
		return v
	}
	_, ref, _ := strings.Cut(key, "|")
	v := &pullpath.Subnet{Node: pullpath.Node{In: mp.in, ID: ref + "[*]", Ext: "the subnets of " + ref}}
	mp.exts["subnets|"+key] = v
	mp.m.Subnets = append(mp.m.Subnets, v)
	return v
}

// serviceListSubnets gives a service whose subnets are one list that an
// association takes whole (for_each over it) that list's node: every task
// subnet uses the associated table.
func (mp *tfMapper) serviceListSubnets(in *tfInst, nc tfItem, sv *pullpath.Service) {
	if in == nil || nc.b == nil || sv.SubnetsWhy == "" {
		return
	}
	a := nc.b.Attrs["subnets"]
	if a == nil {
		return
	}
	key := exprKey(in.mod, a.Expr)
	if v, ok := mp.exts["subnets|"+key].(*pullpath.Subnet); ok && key != "" && v.Associated {
		sv.Subnets, sv.SubnetsWhy = []*pullpath.Subnet{v}, ""
	}
}

// boolChoices are the root bool variables that have no value and that the
// reader needed: "the variable NAME", each a choice the module leaves open
// (count = var.NAME ? 1 : 0).
func (r *tfReader) boolChoices() []string {
	var out []string
	conds := r.root.cfg.conditionVars()
	for name, vb := range r.root.cfg.vars {
		isBool := false
		if a := vb.Attrs["type"]; a != nil {
			t, ok := a.Expr.(*hclsyntax.ScopeTraversalExpr)
			isBool = ok && t.Traversal.RootName() == "bool" && len(t.Traversal) == 1
		} else {
			isBool = conds[name] // no type, but the condition of a ? :
		}
		if !isBool {
			continue
		}
		v, used := r.root.vars[name]
		if u, _ := v.Unmark(); used && !u.IsKnown() {
			out = append(out, varChoice+name)
		}
	}
	slices.Sort(out)
	return out
}

// varChoice starts the name of a root variable as a choice, in the words of
// the unknowns that wait on it.
const varChoice = "the variable "

// conditionVars are the variables that stand alone as the condition of a
// conditional expression (var.x ? a : b, !var.x ? a : b) in the resources
// of a module.
func (cfg *tfConfig) conditionVars() map[string]bool {
	if cfg.conds != nil {
		return cfg.conds
	}
	out := map[string]bool{}
	cfg.conds = out
	var walk func(b *tfBlock)
	walk = func(b *tfBlock) {
		for _, a := range b.Attrs {
			e, ok := a.Expr.(hclsyntax.Expression)
			if !ok {
				continue
			}
			hclsyntax.VisitAll(e, func(n hclsyntax.Node) hcl.Diagnostics {
				c, ok := n.(*hclsyntax.ConditionalExpr)
				if !ok {
					return nil
				}
				cond := c.Condition
				if u, ok := cond.(*hclsyntax.UnaryOpExpr); ok {
					cond = u.Val
				}
				if t, ok := cond.(*hclsyntax.ScopeTraversalExpr); ok && t.Traversal.RootName() == "var" && len(t.Traversal) == 2 {
					out[tfAttrName(t.Traversal, 1)] = true
				}
				return nil
			})
		}
		for _, c := range b.Blocks {
			walk(c)
		}
	}
	for _, res := range cfg.resources {
		walk(res.b)
	}
	return out
}
