package terraform

import (
	"fmt"
	"math/big"
	"path/filepath"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/zclconf/go-cty/cty"
)

// tfPath is the part of a reference after a resource's attribute.
type tfPath struct {
	kids map[string]*tfPath
	deep bool // an index follows
}

// tfNeed is what the references of one expression need of one resource,
// data source or module call.
type tfNeed struct {
	attrs  map[string]*tfPath
	whole  bool
	maxIdx int
	keys   map[string]bool
}

func (n *tfNeed) add(rest hcl.Traversal) {
	if len(rest) > 0 {
		if ix, ok := rest[0].(hcl.TraverseIndex); ok {
			k, _ := ix.Key.UnmarkDeep()
			if k.Type() == cty.Number && k.IsKnown() && !k.IsNull() {
				if i, acc := k.AsBigFloat().Int64(); acc == big.Exact && i >= 0 && i < 1000 && int(i) > n.maxIdx {
					n.maxIdx = int(i)
				}
			} else if k.Type() == cty.String && k.IsKnown() && !k.IsNull() {
				n.keys[k.AsString()] = true
			}
			rest = rest[1:]
		}
	}
	if len(rest) == 0 {
		n.whole = true
		return
	}
	a, ok := rest[0].(hcl.TraverseAttr)
	if !ok {
		n.whole = true
		return
	}
	p := n.attrs[a.Name]
	if p == nil {
		p = &tfPath{}
		n.attrs[a.Name] = p
	}
	for _, st := range rest[1:] {
		at, ok := st.(hcl.TraverseAttr)
		if !ok {
			p.deep = true
			break
		}
		if p.kids == nil {
			p.kids = map[string]*tfPath{}
		}
		q := p.kids[at.Name]
		if q == nil {
			q = &tfPath{}
			p.kids[at.Name] = q
		}
		p = q
	}
}

func tfAttrName(t hcl.Traversal, i int) string {
	if i < len(t) {
		switch s := t[i].(type) {
		case hcl.TraverseAttr:
			return s.Name
		case hcl.TraverseRoot:
			return s.Name
		}
	}
	return ""
}

// eval evaluates expr in scope sc; it never panics and never fails: what it
// cannot evaluate is a marked unknown.
func (r *tfReader) eval(sc *tfScope, expr hcl.Expression) (v cty.Value) {
	if expr == nil {
		return cty.NullVal(cty.DynamicPseudoType)
	}
	if pl, ok := expr.(planLazy); ok {
		return pl.value() // a plan's value: nothing to evaluate
	}
	defer func() {
		if p := recover(); p != nil {
			rg := expr.Range()
			v = tfUnknown(fmt.Sprintf("the expression at %s:%d (cannot be evaluated)", rg.Filename, rg.Start.Line))
		}
	}()
	ctx := &hcl.EvalContext{Variables: r.vars(sc, expr.Variables()), Functions: r.funcs}
	v, diags := expr.Value(ctx)
	if diags.HasErrors() {
		for _, in := range ctx.Variables {
			if w := tfWhyOf(in); w != "" {
				return tfUnknown(w)
			}
		}
		rg := expr.Range()
		msg := ""
		for _, d := range diags {
			if d.Severity == hcl.DiagError {
				msg = d.Summary
				break
			}
		}
		return tfUnknown(fmt.Sprintf("the expression at %s:%d (%s)", rg.Filename, rg.Start.Line, msg))
	}
	if !v.IsWhollyKnown() && tfWhyOf(v) == "" {
		v = v.Mark(tfWhy(tfRefsPhrase(expr)))
	}
	return v
}

// tfRefsPhrase names what an expression refers to, for an unknown value
// that carries no reason.
func tfRefsPhrase(expr hcl.Expression) string {
	var refs []string
	for _, t := range expr.Variables() {
		var b strings.Builder
		b.WriteString(t.RootName())
		for _, st := range t[1:] {
			if a, ok := st.(hcl.TraverseAttr); ok {
				b.WriteString("." + a.Name)
			} else {
				break
			}
		}
		refs = append(refs, b.String())
		if len(refs) == 2 {
			break
		}
	}
	rg := expr.Range()
	if len(refs) == 0 {
		return fmt.Sprintf("the expression at %s:%d", rg.Filename, rg.Start.Line)
	}
	return fmt.Sprintf("%s (at %s:%d)", strings.Join(refs, ", "), rg.Filename, rg.Start.Line)
}

// vars builds the variables an expression's references need.
func (r *tfReader) vars(sc *tfScope, travs []hcl.Traversal) map[string]cty.Value {
	out := map[string]cty.Value{}
	simple := map[string]map[string]cty.Value{}
	needs := map[string]*tfNeed{}
	var order []string
	need := func(k string, rest hcl.Traversal) {
		n := needs[k]
		if n == nil {
			n = &tfNeed{attrs: map[string]*tfPath{}, keys: map[string]bool{}}
			needs[k] = n
			order = append(order, k)
		}
		n.add(rest)
	}
	m := sc.mod
	for _, t := range travs {
		root := t.RootName()
		if v, ok := sc.iters[root]; ok {
			out[root] = v
			continue
		}
		name := tfAttrName(t, 1)
		set := func(v cty.Value) {
			if simple[root] == nil {
				simple[root] = map[string]cty.Value{}
			}
			simple[root][name] = v
		}
		switch root {
		case "var":
			if name != "" {
				set(m.variable(name))
			}
		case "local":
			if name != "" {
				set(m.local(name))
			}
		case "path":
			switch name {
			case "module":
				set(cty.StringVal(filepath.ToSlash(m.cfg.rel)))
			case "root", "cwd":
				set(cty.StringVal("."))
			}
		case "terraform":
			set(cty.StringVal("default"))
		case "count":
			if sc.hasCount {
				set(sc.key)
			} else {
				set(tfUnknown("count.index outside a count"))
			}
		case "each":
			switch {
			case !sc.hasEach:
				set(tfUnknown("each outside a for_each"))
			case name == "key":
				set(sc.key)
			case name == "value":
				set(sc.each)
			}
		case "self":
			out["self"] = tfUnknown("self")
		case "data":
			typ, nm := name, tfAttrName(t, 2)
			if typ != "" && nm != "" {
				need("data."+typ+"."+nm, t[3:])
			}
		case "module":
			if name != "" {
				need("module."+name, t[2:])
			}
		default:
			if name != "" {
				need(root+"."+name, t[2:])
			}
		}
	}
	for root, vals := range simple {
		out[root] = cty.ObjectVal(vals)
	}
	data := map[string]map[string]cty.Value{}
	mods := map[string]cty.Value{}
	ress := map[string]map[string]cty.Value{}
	for _, k := range order {
		n := needs[k]
		switch {
		case strings.HasPrefix(k, "module."):
			name := strings.TrimPrefix(k, "module.")
			if call := m.cfg.callByNm[name]; call != nil {
				mods[name] = r.moduleValue(m, call, n)
			} else {
				mods[name] = tfUnknown("module." + name + " (not in the configuration)")
			}
		case strings.HasPrefix(k, "data."):
			parts := strings.SplitN(k, ".", 3)
			if data[parts[1]] == nil {
				data[parts[1]] = map[string]cty.Value{}
			}
			if res := m.cfg.byAddr[k]; res != nil {
				data[parts[1]][parts[2]] = r.resValue(m, res, n)
			} else {
				data[parts[1]][parts[2]] = tfUnknown(m.prefix() + k + " (not in the configuration)")
			}
		default:
			typ, name, _ := strings.Cut(k, ".")
			if ress[typ] == nil {
				ress[typ] = map[string]cty.Value{}
			}
			if res := m.cfg.byAddr[k]; res != nil {
				ress[typ][name] = r.resValue(m, res, n)
			} else {
				ress[typ][name] = tfUnknown(m.prefix() + k + " (not in the configuration)")
			}
		}
	}
	if len(data) > 0 {
		dm := map[string]cty.Value{}
		for typ, v := range data {
			dm[typ] = cty.ObjectVal(v)
		}
		out["data"] = cty.ObjectVal(dm)
	}
	if len(mods) > 0 {
		out["module"] = cty.ObjectVal(mods)
	}
	for typ, v := range ress {
		if _, taken := out[typ]; !taken {
			out[typ] = cty.ObjectVal(v)
		}
	}
	return out
}

// tfCollection arranges instance values as terraform does: one object, a
// tuple for count, an object for for_each. An unknown count or for_each
// stands for every index or key the references use.
func tfCollection(mode byte, unknown string, objs []cty.Value, keys []cty.Value, n *tfNeed) cty.Value {
	switch {
	case mode == 0:
		if len(objs) == 0 {
			return tfUnknown("no instance")
		}
		return objs[0]
	case unknown != "" && len(objs) > 0:
		if mode == 'c' {
			l := make([]cty.Value, n.maxIdx+1)
			for i := range l {
				l[i] = objs[0]
			}
			return cty.TupleVal(l)
		}
		o := map[string]cty.Value{}
		for k := range n.keys {
			o[k] = objs[0]
		}
		if len(o) == 0 {
			o["*"] = objs[0]
		}
		return cty.ObjectVal(o)
	case mode == 'c':
		if len(objs) == 0 {
			return cty.EmptyTupleVal
		}
		return cty.TupleVal(objs)
	}
	o := map[string]cty.Value{}
	for i, k := range keys {
		o[k.AsString()] = objs[i]
	}
	return cty.ObjectVal(o)
}

func (r *tfReader) resValue(m *tfMod, res *tfRes, n *tfNeed) cty.Value {
	is := m.instances(res)
	objs := make([]cty.Value, len(is.list))
	var keys []cty.Value
	for i, in := range is.list {
		objs[i] = r.instObject(in, n)
		if is.mode == 'e' && is.unknown == "" {
			keys = append(keys, in.sc.key)
		}
	}
	return tfCollection(is.mode, is.unknown, objs, keys, n)
}

func (r *tfReader) moduleValue(m *tfMod, call *tfCall, n *tfNeed) cty.Value {
	ch := m.childrenOf(call)
	addr := m.prefix() + "module." + call.name
	if ch.hidden != "" {
		o := map[string]cty.Value{}
		for name, p := range n.attrs {
			if p.deep || len(p.kids) > 0 || tfListish(name) {
				o[name] = tfUnknown("the output " + name + " of " + ch.hidden)
				continue
			}
			s := "${" + addr + "." + name + "}"
			r.syms[s] = &tfSym{ext: "the output " + name + " of " + ch.hidden}
			o[name] = cty.StringVal(s)
		}
		if n.whole {
			return tfUnknown(ch.hidden)
		}
		return tfCollection(0, "", []cty.Value{cty.ObjectVal(o)}, nil, n)
	}
	objs := make([]cty.Value, len(ch.list))
	var keys []cty.Value
	for i, c := range ch.list {
		o := map[string]cty.Value{}
		for name := range n.attrs {
			o[name] = c.output(name)
		}
		if n.whole {
			for name := range c.cfg.outputs {
				o[name] = c.output(name)
			}
		}
		objs[i] = cty.ObjectVal(o)
		if ch.mode == 'e' && ch.unknown == "" {
			keys = append(keys, c.callSc.key)
		}
	}
	return tfCollection(ch.mode, ch.unknown, objs, keys, n)
}

// tfMeta are the meta-arguments, not attributes.
var tfMeta = map[string]bool{"count": true, "for_each": true, "provider": true, "depends_on": true, "lifecycle": true, "provisioner": true}

func (r *tfReader) instObject(in *tfInst, n *tfNeed) cty.Value {
	o := map[string]cty.Value{}
	for name, p := range n.attrs {
		o[name] = r.ref(in, name, p)
	}
	for _, name := range tfDefaultAttrs(in.res) {
		if _, ok := o[name]; !ok {
			o[name] = r.ref(in, name, nil)
		}
	}
	if n.whole {
		for name := range in.res.b.Attrs {
			if _, ok := o[name]; !ok && !tfMeta[name] {
				o[name] = r.ref(in, name, nil)
			}
		}
	}
	return cty.ObjectVal(o)
}

// tfDefaultAttrs are the attributes every value of an instance carries, for
// references that reach it through a splat or a for expression.
func tfDefaultAttrs(res *tfRes) []string {
	if res.data {
		switch res.typ {
		case "aws_iam_policy_document":
			return []string{"json"}
		case "template_file":
			return []string{"rendered"}
		case "aws_region":
			return []string{"name", "region", "id"}
		case "aws_caller_identity":
			return []string{"account_id"}
		case "aws_partition":
			return []string{"partition", "dns_suffix"}
		}
		return []string{"id"}
	}
	switch res.typ {
	case "aws_ecr_repository":
		return []string{"id", "arn", "repository_url", "name"}
	case "aws_vpc":
		return []string{"id", "arn", "cidr_block"}
	case "aws_iam_role", "aws_ecs_cluster", "aws_ecs_task_definition", "aws_security_group":
		return []string{"id", "arn", "name"}
	}
	return []string{"id", "arn"}
}

// attr is the value of an attribute of an instance: as configured, else
// as computed.
func (r *tfReader) attr(in *tfInst, name string, p *tfPath) cty.Value {
	if a, ok := in.res.b.Attrs[name]; ok && !tfMeta[name] {
		if v, ok := in.memo[name]; ok {
			return v
		}
		if in.busy[name] {
			return tfUnknown(in.addr + "." + name + " (a cycle)")
		}
		in.busy[name] = true
		v := r.eval(in.sc, a.Expr)
		delete(in.busy, name)
		in.memo[name] = v
		return v
	}
	return r.computed(in, name, p)
}

// ref is an attribute as a reference sees it: a null argument is unset, and
// the provider computes the attribute.
func (r *tfReader) ref(in *tfInst, name string, p *tfPath) cty.Value {
	v := r.attr(in, name, p)
	if u, _ := v.Unmark(); u.IsKnown() && u.IsNull() && in.res.b.Attrs[name] != nil {
		return r.computed(in, name, p)
	}
	return v
}

// tfLookups are the data sources that only read configuration or the
// provider: every other data source looks things up in an account.
var tfLookups = map[string]bool{
	"aws_iam_policy_document": true, "aws_region": true, "aws_caller_identity": true,
	"aws_partition": true, "aws_vpc_endpoint_service": false, "template_file": true,
}

// tfDataWhy says why an attribute of data source in is unknown: only
// Terraform reads it, at plan time.
func tfDataWhy(in *tfInst) string {
	return "the data source " + in.addr + " (data sources of type " + in.res.typ + " are read only by Terraform at plan time)"
}

// computed is an attribute known only after apply (or after a lookup).
func (r *tfReader) computed(in *tfInst, path string, p *tfPath) cty.Value {
	if p != nil && len(p.kids) > 0 {
		o := map[string]cty.Value{}
		for k, kp := range p.kids {
			o[k] = r.computed(in, path+"."+k, kp)
		}
		return cty.ObjectVal(o)
	}
	if v, ok := r.special(in, path); ok {
		return v
	}
	if (p != nil && p.deep) || tfListish(path) {
		if in.res.data && !tfLookups[in.res.typ] {
			return tfUnknown(tfDataWhy(in))
		}
		return tfUnknown(in.addr + "." + path + " (known after apply)")
	}
	return cty.StringVal(r.symbol(in, path))
}

func (r *tfReader) symbol(in *tfInst, path string) string {
	s := "${" + in.addr + "." + path + "}"
	if r.syms[s] == nil {
		sym := &tfSym{inst: in, attr: path}
		if in.res.data && !tfLookups[in.res.typ] {
			sym.ext = tfDataWhy(in)
		}
		r.syms[s] = sym
	}
	return s
}

// special computes the attributes a static reader can know.
func (r *tfReader) special(in *tfInst, path string) (cty.Value, bool) {
	typ := in.res.typ
	if in.res.data {
		switch typ + "." + path {
		case "aws_region.name", "aws_region.region", "aws_region.id":
			return cty.StringVal(in.region()), true
		case "aws_caller_identity.account_id", "aws_caller_identity.id":
			return cty.StringVal(in.account()), true
		case "aws_partition.partition", "aws_partition.id":
			p, _ := tfPartition(in.region())
			return cty.StringVal(p), true
		case "aws_partition.dns_suffix":
			_, s := tfPartition(in.region())
			return cty.StringVal(s), true
		case "aws_iam_policy_document.json", "aws_iam_policy_document.minified_json":
			return r.policyDocument(in), true
		case "template_file.rendered":
			return r.renderTemplateFile(in), true
		case "aws_vpc_endpoint_service.service_name":
			if a := in.res.b.Attrs["service"]; a != nil {
				if s, why := tfStr(r.attr(in, "service", nil)); why == "" && s != "" {
					return cty.StringVal("com.amazonaws." + in.region() + "." + s), true
				}
			}
		}
	}
	name := func() string {
		if a := in.res.b.Attrs["name"]; a != nil {
			if s, why := tfStr(r.attr(in, "name", nil)); why == "" && s != "" {
				return s
			}
		}
		return r.symbol(in, "name")
	}
	part, suffix := tfPartition(in.region())
	switch typ + "." + path {
	case "aws_ecr_repository.repository_url":
		return cty.StringVal(in.account() + ".dkr.ecr." + in.region() + "." + suffix + "/" + name()), true
	case "aws_ecr_repository.registry_id":
		return cty.StringVal(in.account()), true
	case "aws_ecr_repository.arn":
		return cty.StringVal("arn:" + part + ":ecr:" + in.region() + ":" + in.account() + ":repository/" + name()), true
	case "aws_cloudwatch_log_group.arn":
		return cty.StringVal("arn:" + part + ":logs:" + in.region() + ":" + in.account() + ":log-group:" + name()), true
	case "aws_ssm_parameter.arn":
		// a parameter's ARN is its name under parameter/ (a leading slash
		// once); its id is its name
		if n := name(); !strings.HasPrefix(n, "${") {
			return cty.StringVal("arn:" + part + ":ssm:" + in.region() + ":" + in.account() + ":parameter/" + strings.TrimPrefix(n, "/")), true
		}
	case "aws_ssm_parameter.id":
		return cty.StringVal(name()), true
	case "aws_secretsmanager_secret.id":
		// a secret's id is its ARN
		return cty.StringVal(r.symbol(in, "arn")), true
	}
	return cty.NilVal, false
}

// tfListish says whether an attribute or output name is likely a list.
func tfListish(path string) bool {
	name := path[strings.LastIndex(path, ".")+1:]
	switch name {
	case "ids", "names", "arns", "cidr_blocks", "ipv6_cidr_blocks", "dns_entry", "subnets", "outputs",
		"network_interface_ids", "availability_zones", "zone_ids", "tags_all", "tags", "statement", "filter",
		"private_subnets", "public_subnets", "intra_subnets", "database_subnets", "entries", "route", "ingress", "egress":
		return true
	}
	for _, suf := range []string{"_ids", "_arns", "_subnets", "_blocks", "_names", "_zones", "_list", "_cidrs", "_map"} {
		if strings.HasSuffix(name, suf) {
			return true
		}
	}
	return false
}

// symPhrase says what a symbolic string stands for.
func (r *tfReader) symPhrase(s string) string {
	if sym := r.syms[s]; sym != nil {
		if sym.ext != "" {
			return sym.ext
		}
		return sym.inst.addr + "." + sym.attr + " (known after apply)"
	}
	return s
}

// Helpers that read evaluated values: each returns why the value is
// unknown, or "".
