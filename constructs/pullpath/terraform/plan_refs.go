package terraform

import (
	"strconv"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/zclconf/go-cty/cty"
)

// A plan's configuration keeps an expression's references, not the
// expression: "aws_vpc.main.id" and "aws_vpc.main" for aws_vpc.main.id,
// "aws_subnet.private" and "count.index" for aws_subnet.private[count.index].id.
// An unknown value whose expression makes one reference is taken as that
// reference's value; a reference to several instances is known only when
// every instance gives the same answer.

// planMaxDepth bounds how far references are followed.
const planMaxDepth = 32

// planPrimaries drops from references the shorter forms Terraform adds
// after each one, and what only counts or iterates.
func planPrimaries(refs []string) []string {
	var out []string
	for _, ref := range refs {
		switch {
		case ref == "count.index", strings.HasPrefix(ref, "each."), strings.HasPrefix(ref, "path."),
			strings.HasPrefix(ref, "terraform."), ref == "self", strings.HasPrefix(ref, "self."):
			continue
		}
		covered := false
		for _, k := range out {
			if k == ref || strings.HasPrefix(k, ref+".") || strings.HasPrefix(k, ref+"[") {
				covered = true
				break
			}
		}
		if !covered {
			out = append(out, ref)
		}
	}
	return out
}

// planNames names references for a message (never their values).
func planNames(mod string, refs []string) string {
	var out []string
	for i, r := range refs {
		if i == 3 {
			out = append(out, "...")
			break
		}
		out = append(out, planJoin(mod, r))
	}
	return strings.Join(out, ", ")
}

// resolveExpr is the value of an unknown expression of module mod.
func (pr *planRead) resolveExpr(mod, path, name string, e *tfjson.Expression) cty.Value {
	return pr.resolveExprDepth(mod, path, name, e, 0)
}

func (pr *planRead) resolveExprDepth(mod, path, name string, e *tfjson.Expression, depth int) cty.Value {
	if e == nil || e.ExpressionData == nil {
		return tfUnknown(path + " (known after apply)")
	}
	refs := planPrimaries(e.References)
	if len(refs) == 0 {
		if len(e.References) == 0 && e.ConstantValue != tfjson.UnknownConstantValue {
			return planCty(e.ConstantValue)
		}
		return tfUnknown(path + " (known after apply)")
	}
	if len(refs) == 1 && !planDocs[name] && planPassed(refs[0]) {
		return pr.resolveRef(mod, refs[0], name, depth+1)
	}
	return tfUnknown(path + " (known after apply: it uses " + planNames(mod, refs) + ")")
}

// planPassed says whether a reference is one an argument takes as it is
// (vpc_id = aws_vpc.main.id), so that an expression making only that
// reference is taken to be it: an id, ARN or name, a variable or a module
// output (which pass such values on). A CIDR or any other attribute is
// often an argument of a function (cidrsubnet(aws_vpc.main.cidr_block, 8,
// 1)), and the value stays unknown.
func planPassed(ref string) bool {
	parts := planSplit(ref)
	switch parts[0] {
	case "var", "module":
		return true
	case "local":
		return true // unknown anyway, and says so
	case "data":
		parts = parts[1:]
	}
	if len(parts) <= 2 {
		return true // the attribute was lost: planIDOf picks one for ids only
	}
	attr, _ := planStep(parts[len(parts)-1])
	switch attr {
	case "id", "arn", "name", "repository_url", "registry_id", "family", "account_id", "region", "prefix_list_id", "main_route_table_id", "default_route_table_id", "default_security_group_id":
		return true
	}
	for _, suf := range []string{"_id", "_ids", "_arn", "_arns"} {
		if strings.HasSuffix(attr, suf) {
			return true
		}
	}
	return false
}

// resolveList fills the unknown elements of a list, in order, with the
// references of its expression when there are as many of each.
func (pr *planRead) resolveList(mod, path, name string, l []any, u any, e *tfjson.Expression) (cty.Value, bool) {
	ul, ok := u.([]any)
	if !ok || len(ul) != len(l) {
		return cty.NilVal, false
	}
	refs := planPrimaries(e.References)
	n := 0
	for _, x := range ul {
		if x == true {
			n++
		} else if planHasTrue(x) {
			return cty.NilVal, false
		}
	}
	if n != len(refs) {
		return cty.NilVal, false
	}
	out := make([]cty.Value, len(l))
	j := 0
	for i := range l {
		if ul[i] == true {
			out[i] = pr.resolveRef(mod, refs[j], name, 1)
			j++
			continue
		}
		out[i] = planCty(l[i])
	}
	return cty.TupleVal(out), true
}

// planStep splits an address part into its name and its keys
// (private["a"] is private and "a").
func planStep(p string) (name string, keys []string) {
	i := strings.IndexByte(p, '[')
	if i < 0 {
		return p, nil
	}
	name, rest := p[:i], p[i:]
	for len(rest) > 0 && rest[0] == '[' {
		j := strings.IndexByte(rest, ']')
		if rest[1:] != "" && rest[1] == '"' {
			// a quoted key may hold ]
			if k := strings.Index(rest[2:], "\"]"); k >= 0 {
				j = k + 3
			}
		}
		if j < 0 {
			break
		}
		keys = append(keys, rest[1:j])
		rest = rest[j+1:]
	}
	return name, keys
}

// planRest is what follows the name of parts[i]: its keys, then the parts
// after it.
func planRest(parts []string, i int) []string {
	_, keys := planStep(parts[i])
	var out []string
	for _, k := range keys {
		out = append(out, "["+k+"]")
	}
	return append(out, parts[i+1:]...)
}

// planParent is the module holding module instance mod.
func planParent(mod string) string {
	parts := planSplit(mod)
	if len(parts) < 2 {
		return ""
	}
	return strings.Join(parts[:len(parts)-2], ".")
}

// resolveRef is the value a reference of module mod names, for attribute
// (or output, or variable) name.
func (pr *planRead) resolveRef(mod, ref, name string, depth int) cty.Value {
	full := planJoin(mod, ref)
	if depth > planMaxDepth {
		return tfUnknown(full + " (references too deep to follow)")
	}
	parts := planSplit(ref)
	if len(parts) < 2 {
		return tfUnknown(full + " (cannot be followed in a plan)")
	}
	switch parts[0] {
	case "var":
		name, _ := planStep(parts[1])
		return pr.follow(pr.variable(mod, name, depth), planRest(parts, 1), full)
	case "local":
		return tfUnknown(full + " (a local value: a plan does not keep locals)")
	case "module":
		return pr.moduleOutput(mod, parts, depth)
	case "data":
		if len(parts) < 3 {
			return tfUnknown(full + " (cannot be followed in a plan)")
		}
		return pr.instanceRef(mod, "data."+parts[1], parts[2], parts[3:], name, depth)
	}
	return pr.instanceRef(mod, parts[0], parts[1], parts[2:], name, depth)
}

// variable is the value of an input variable of module mod.
func (pr *planRead) variable(mod, name string, depth int) cty.Value {
	label := planJoin(mod, "var."+name)
	if pr.sensVar[planJoin(planStripKeys(mod), "var."+name)] {
		return tfUnknown(label + " (sensitive)")
	}
	if mod == "" {
		v := pr.vars[name]
		if v == nil {
			return tfUnknown(label + " (not in the plan)")
		}
		return planCty(v.Value)
	}
	call := pr.calls[planStripKeys(mod)]
	if call == nil {
		return tfUnknown(label + " (its module call is not in the plan)")
	}
	if e := call.Expressions[name]; e != nil && e.ExpressionData != nil {
		return pr.resolveExprDepth(planParent(mod), label, name, e, depth)
	}
	if call.Module != nil {
		if cv := call.Module.Variables[name]; cv != nil {
			return planCty(cv.Default)
		}
	}
	return tfUnknown(label + " (not in the plan)")
}

// moduleOutput is an output of a module call of mod.
func (pr *planRead) moduleOutput(mod string, parts []string, depth int) cty.Value {
	child := planJoin(mod, "module."+parts[1])
	if len(parts) < 3 {
		return tfUnknown(child + " (a whole module)")
	}
	call := pr.calls[planStripKeys(child)]
	if call == nil || call.Module == nil {
		return tfUnknown(child + " (not in the plan's configuration)")
	}
	if _, keys := planStep(parts[1]); len(keys) == 0 && (call.CountExpression != nil || call.ForEachExpression != nil) {
		return tfUnknown(child + " (several instances of the module: the plan does not say which)")
	}
	name, _ := planStep(parts[2])
	oc := call.Module.Outputs[name]
	label := child + "." + name
	switch {
	case oc == nil:
		return tfUnknown(label + " (no such output)")
	case oc.Sensitive:
		return tfUnknown(label + " (sensitive)")
	}
	v := pr.resolveExprDepth(child, label, name, oc.Expression, depth)
	return pr.follow(v, planRest(parts, 2), label)
}

// planIDOf is the attribute a reference that lost its attribute
// (aws_subnet.private[count.index].id keeps aws_subnet.private) reads for an
// argument that takes ids (subnet_id, subnets, route_table_ids) or ARNs
// (execution_role_arn, task_definition), or "".
func planIDOf(arg string) string {
	switch {
	case strings.HasSuffix(arg, "_arn"), strings.HasSuffix(arg, "_arns"), arg == "task_definition":
		return "arn"
	case strings.HasSuffix(arg, "_id"), strings.HasSuffix(arg, "_ids"), arg == "subnets", arg == "security_groups",
		arg == "cluster", strings.HasSuffix(arg, "_subnets"):
		return "id"
	}
	return ""
}

// instanceRef is an attribute of the instance (or instances) of a resource
// or data source of module mod; arg is the argument the reference is for.
func (pr *planRead) instanceRef(mod, typ, name string, attr []string, arg string, depth int) cty.Value {
	nm, keys := planStep(name)
	local := typ + "." + nm
	cands := pr.byBase[planJoin(planStripKeys(mod), local)]
	var in []*planInst
	for _, c := range cands {
		if c.mod == mod {
			in = append(in, c)
		}
	}
	label := planJoin(mod, local)
	if len(in) == 0 {
		return tfUnknown(label + " (not in the plan)")
	}
	if len(keys) > 0 {
		addr := planJoin(mod, local+"["+keys[0]+"]")
		pi := pr.byAddr[addr]
		if pi == nil {
			return tfUnknown(addr + " (not in the plan)")
		}
		in = []*planInst{pi}
	}
	if len(attr) == 0 {
		id := planIDOf(arg)
		if id == "" {
			return tfUnknown(label + " (the plan keeps the reference, not the attribute it reads)")
		}
		attr = []string{id}
	}
	var got cty.Value
	for i, pi := range in {
		v := pr.instAttr(pi, attr, depth)
		if i == 0 {
			got = v
			continue
		}
		if !planSame(got, v) {
			return tfUnknown(label + " (several instances: the plan's configuration does not say which)")
		}
	}
	return got
}

// planSame says whether two values are the same known value.
func planSame(a, b cty.Value) bool {
	ua, _ := a.UnmarkDeep()
	ub, _ := b.UnmarkDeep()
	if !ua.IsWhollyKnown() || !ub.IsWhollyKnown() {
		return false
	}
	eq := ua.Equals(ub)
	return eq.IsKnown() && eq.True()
}

// instAttr is attribute path attr of an instance as a reference reads it.
func (pr *planRead) instAttr(pi *planInst, attr []string, depth int) cty.Value {
	name, keys := planStep(attr[0])
	if depth > planMaxDepth {
		return tfUnknown(pi.in.addr + "." + name + " (references too deep to follow)")
	}
	v := pr.attr(pi, name)
	computed := planAt(pi.unknown, name) == true && planAt(pi.sens, name) != true && (pi.exprs == nil || pi.exprs[name] == nil)
	if v == cty.NilVal || computed {
		switch {
		case pi.data && pi.deferred:
			v = tfUnknown(pi.in.addr + " (a data source read only during apply)")
		default:
			pr.attr(pi, "name")
			if sp, ok := pr.r.special(pi.in, name); ok {
				v = sp
			} else if tfListish(name) {
				v = tfUnknown(pi.in.addr + "." + name + " (known after apply)")
			} else {
				v = cty.StringVal(pr.r.symbol(pi.in, name))
			}
		}
	}
	rest := attr[1:]
	if len(keys) > 0 {
		ks := make([]string, len(keys))
		for i, k := range keys {
			ks[i] = "[" + k + "]"
		}
		rest = append(ks, rest...)
	}
	return pr.follow(v, rest, pi.in.addr+"."+attr[0])
}

// path follows attribute names and keys into a value.
func (pr *planRead) follow(v cty.Value, steps []string, label string) cty.Value {
	for _, st := range steps {
		var names []string
		if strings.HasPrefix(st, "[") {
			names = append(names, st)
		} else {
			n, keys := planStep(st)
			names = append(names, n)
			for _, k := range keys {
				names = append(names, "["+k+"]")
			}
		}
		for _, n := range names {
			if w := tfWhyOf(v); w != "" {
				return v
			}
			u, _ := v.Unmark()
			if !u.IsKnown() {
				return tfUnknown(label + " (known after apply)")
			}
			if u.IsNull() {
				return cty.NullVal(cty.DynamicPseudoType)
			}
			ty := u.Type()
			switch {
			case strings.HasPrefix(n, "["):
				k := n[1 : len(n)-1]
				if s, err := strconv.Unquote(k); err == nil {
					k = s
					if (ty.IsObjectType() && ty.HasAttribute(k)) || ty.IsMapType() {
						v = u.Index(cty.StringVal(k))
						if ty.IsObjectType() {
							v = u.GetAttr(k)
						}
						continue
					}
				} else if i, err := strconv.Atoi(k); err == nil && (ty.IsTupleType() || ty.IsListType()) && i >= 0 && i < u.LengthInt() {
					v = u.Index(cty.NumberIntVal(int64(i)))
					continue
				}
				return tfUnknown(label + n + " (not in the plan)")
			case ty.IsObjectType() && ty.HasAttribute(n):
				v = u.GetAttr(n)
			default:
				return tfUnknown(label + "." + n + " (not in the plan)")
			}
		}
	}
	return v
}

// planIDAttrs are the attributes whose known values other resources name.
var planIDAttrs = []string{"id", "arn"}

// planMoreIDs are other attributes naming something, by resource type.
var planMoreIDs = map[string][]string{
	"aws_vpc":          {"main_route_table_id", "default_route_table_id"},
	"aws_vpc_endpoint": {"prefix_list_id"},
}

// indexIDs makes the known ids and ARNs of the plan's instances name them,
// as a symbol does in the static reader: resources first, then data
// sources (a data source found by its id names something outside the
// plan).
func (pr *planRead) indexIDs() {
	add := func(pi *planInst, attr string) {
		if pi.deferred || pr.sensitive(pi, attr) {
			return
		}
		s, ok := pi.after[attr].(string)
		if !ok || s == "" || strings.Contains(s, "${") || pr.r.syms[s] != nil {
			return
		}
		sym := &tfSym{inst: pi.in, attr: attr}
		if pi.data {
			sym.ext = pi.in.addr + " (" + s + ", looked up)"
		}
		pr.r.syms[s] = sym
	}
	for _, data := range []bool{false, true} {
		for _, pi := range pr.insts {
			if pi.data == data || (pi.typ == "aws_prefix_list" || pi.typ == "aws_ec2_managed_prefix_list") && pi.data {
				for _, a := range planIDAttrs {
					add(pi, a)
				}
			}
		}
		for _, pi := range pr.insts {
			if pi.data == data {
				for _, a := range planMoreIDs[pi.typ] {
					add(pi, a)
				}
			}
		}
	}
}
