package terraform

import (
	"fmt"
	"github.com/privatepull/privatepull/constructs/pullpath"
	"math/big"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/typeexpr"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

// The evaluator is demand-driven: an expression is evaluated in a context
// built from exactly the references it makes, each resolved (and memoized)
// when first needed. Values known only after apply are symbolic strings,
// "${ADDRESS.attribute}", recorded in tfReader.syms; what cannot be known is
// a cty unknown marked with a tfWhy phrase that says why.

// tfWhy is the mark of an unknown value: what it depends on.
type tfWhy string

// tfUnknown is an unknown value of any type, marked with why.
func tfUnknown(why string) cty.Value { return cty.DynamicVal.Mark(tfWhy(why)) }

// tfWhyOf returns the phrase of the first tfWhy mark in v, or "".
func tfWhyOf(v cty.Value) string {
	_, pvm := v.UnmarkDeepWithPaths()
	var whys []string
	for _, p := range pvm {
		for m := range p.Marks {
			if w, ok := m.(tfWhy); ok {
				whys = append(whys, string(w))
			}
		}
	}
	if len(whys) == 0 {
		return ""
	}
	sort.Strings(whys)
	return whys[0]
}

// tfSym is what a symbolic string names.
type tfSym struct {
	inst *tfInst // the resource or data instance, nil for others
	attr string  // the attribute path
	ext  string  // non-empty when it is defined outside the configuration
}

const tfMaxInstances = 20000

// tfMod is one instance of a module (the root, or one module call instance).
type tfMod struct {
	r        *tfReader
	cfg      *tfConfig
	addr     string // "" for the root, "module.a", "module.a[0].module.b"
	key      string // modules.json key: "a", "a.b"
	parent   *tfMod
	call     *tfCall
	callSc   *tfScope // where the call's arguments are evaluated
	countWhy string

	providers map[string]tfProvider
	vars      map[string]cty.Value
	locals    map[string]cty.Value
	outputs   map[string]cty.Value
	busy      map[string]bool
	insts     map[*tfRes]*tfInsts
	children  map[*tfCall]*tfChildren
}

type tfProvider struct{ region, account string }

type tfInsts struct {
	list    []*tfInst
	mode    byte   // 0, 'c' (count) or 'e' (for_each)
	unknown string // non-empty: count/for_each unknown, one instance stands for all
}

type tfChildren struct {
	list    []*tfMod
	mode    byte
	unknown string
	hidden  string // non-empty: the module is not read
}

// tfInst is one instance of a resource or data block.
type tfInst struct {
	res  *tfRes
	mod  *tfMod
	addr string
	sc   *tfScope
	memo map[string]cty.Value
	busy map[string]bool
}

// tfScope is where an expression is evaluated.
type tfScope struct {
	mod       *tfMod
	hasCount  bool
	hasEach   bool
	key, each cty.Value
	countWhy  string
	iters     map[string]cty.Value
}

func (s *tfScope) with(name string, v cty.Value) *tfScope {
	c := *s
	c.iters = make(map[string]cty.Value, len(s.iters)+1)
	for k, x := range s.iters {
		c.iters[k] = x
	}
	c.iters[name] = v
	return &c
}

func (m *tfMod) prefix() string {
	if m.addr == "" {
		return ""
	}
	return m.addr + "."
}

// init sets the module instance's provider configurations.
func (m *tfMod) init(parent *tfMod) {
	m.parent = parent
	m.vars, m.locals, m.outputs = map[string]cty.Value{}, map[string]cty.Value{}, map[string]cty.Value{}
	m.busy = map[string]bool{}
	m.insts = map[*tfRes]*tfInsts{}
	m.children = map[*tfCall]*tfChildren{}
	m.providers = map[string]tfProvider{}
	if parent != nil {
		for k, v := range parent.providers {
			m.providers[k] = v
		}
		if a := m.call.b.Attrs["providers"]; a != nil {
			pairs, _ := hcl.ExprMap(a.Expr)
			for _, p := range pairs {
				kt, d1 := hcl.AbsTraversalForExpr(p.Key)
				vt, d2 := hcl.AbsTraversalForExpr(p.Value)
				if d1.HasErrors() || d2.HasErrors() || kt.RootName() != "aws" || vt.RootName() != "aws" {
					continue
				}
				if pv, ok := parent.providers[tfAlias(vt)]; ok {
					m.providers[tfAlias(kt)] = pv
				}
			}
		}
	} else {
		m.providers[""] = tfProvider{region: m.r.envRegion}
	}
	sc := &tfScope{mod: m}
	for _, pb := range m.cfg.providers {
		if pb.label(0) != "aws" {
			continue
		}
		alias := ""
		if a := pb.Attrs["alias"]; a != nil {
			if s, _ := tfStr(m.r.eval(sc, a.Expr)); s != "" {
				alias = s
			}
		}
		p := m.providers[alias]
		if a := pb.Attrs["region"]; a != nil {
			if s, why := tfStr(m.r.eval(sc, a.Expr)); why == "" && s != "" {
				p.region = s
			} else {
				p.region = ""
			}
		}
		if a := pb.Attrs["allowed_account_ids"]; a != nil {
			if l, why := tfStrList(m.r.eval(sc, a.Expr)); why == "" && len(l) == 1 {
				p.account = l[0]
			}
		}
		for _, ar := range pb.Blocks {
			if ar.Type == "assume_role" && ar.Attrs["role_arn"] != nil {
				if s, why := tfStr(m.r.eval(sc, ar.Attrs["role_arn"].Expr)); why == "" {
					if parts := strings.Split(s, ":"); len(parts) >= 6 && tfIsAccount(parts[4]) {
						p.account = parts[4]
					}
				}
			}
		}
		m.providers[alias] = p
	}
}

func tfIsAccount(s string) bool {
	if len(s) != 12 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// tfAlias is the alias of a provider reference: "" for aws, "west" for
// aws.west.
func tfAlias(t hcl.Traversal) string {
	if len(t) > 1 {
		if a, ok := t[1].(hcl.TraverseAttr); ok {
			return a.Name
		}
	}
	return ""
}

// provider returns the provider configuration of an instance: its own
// region argument, its provider argument, or the module's default.
func (in *tfInst) provider() tfProvider {
	p := in.mod.providers[""]
	if a := in.res.b.Attrs["provider"]; a != nil {
		if t, d := hcl.AbsTraversalForExpr(a.Expr); !d.HasErrors() && t.RootName() == "aws" {
			if q, ok := in.mod.providers[tfAlias(t)]; ok {
				p = q
			}
		}
	}
	if a := in.res.b.Attrs["region"]; a != nil {
		if s, why := tfStr(in.mod.r.eval(in.sc, a.Expr)); why == "" && s != "" {
			p.region = s
		}
	}
	return p
}

// region and account are the instance's, "${REGION}" and "${ACCOUNT}" when
// unknown.
func (in *tfInst) region() string {
	if r := in.provider().region; r != "" {
		return r
	}
	return "${REGION}"
}

func (in *tfInst) account() string {
	if a := in.provider().account; a != "" {
		return a
	}
	return "${ACCOUNT}"
}

func tfPartition(region string) (string, string) {
	if strings.Contains(region, "${") {
		return "${PARTITION}", "amazonaws.com"
	}
	return pullpath.PartitionOf(region), pullpath.URLSuffixOf(region)
}

// variable is the value of an input variable of the module.
func (m *tfMod) variable(name string) cty.Value {
	if v, ok := m.vars[name]; ok {
		return v
	}
	key := "var." + name
	if m.busy[key] {
		return tfUnknown("the variable " + name + " (a cycle)")
	}
	m.busy[key] = true
	defer delete(m.busy, key)
	v := m.variableValue(name)
	m.vars[name] = v
	return v
}

func (m *tfMod) variableValue(name string) cty.Value {
	r := m.r
	vb := m.cfg.vars[name]
	if vb == nil {
		return tfUnknown("the undeclared variable " + name)
	}
	ty := cty.NilType
	var defaults *typeexpr.Defaults
	if a := vb.Attrs["type"]; a != nil {
		if t, d, diags := typeexpr.TypeConstraintWithDefaults(a.Expr); !diags.HasErrors() {
			ty, defaults = t, d
		}
	}
	var val cty.Value
	var set bool
	if m.parent == nil {
		if in, ok := r.inputs[name]; ok {
			set = true
			if in.raw != nil {
				if ty == cty.NilType || ty == cty.DynamicPseudoType || ty.IsPrimitiveType() {
					val = cty.StringVal(*in.raw)
				} else if e, d := hclsyntax.ParseExpression([]byte(*in.raw), "-var "+name, hcl.InitialPos); !d.HasErrors() {
					if v, d := tfSafeValue(e); !d {
						val = v
					} else {
						set = false
					}
				} else {
					set = false
				}
			} else {
				val = in.val
			}
		}
	} else if a := m.call.b.Attrs[name]; a != nil {
		val, set = r.eval(m.callSc, a.Expr), true
	}
	if set && vb.Attrs["nullable"] != nil {
		if nb, bad := tfSafeValue(vb.Attrs["nullable"].Expr); !bad && nb.Type() == cty.Bool && nb.IsKnown() && !nb.IsNull() && nb.False() {
			if u, _ := val.Unmark(); u.IsKnown() && u.IsNull() {
				set = false
			}
		}
	}
	if !set {
		if a := vb.Attrs["default"]; a != nil {
			if v, bad := tfSafeValue(a.Expr); !bad {
				val, set = v, true
			}
		}
	}
	if !set {
		phrase := "the variable " + name
		sym := "${var." + name + "}"
		if m.addr != "" {
			phrase += " of " + m.addr
			sym = "${" + m.addr + ".var." + name + "}"
		}
		if ty == cty.NilType || ty == cty.String || ty == cty.DynamicPseudoType {
			r.syms[sym] = &tfSym{ext: phrase}
			return cty.StringVal(sym)
		}
		return cty.UnknownVal(ty).Mark(tfWhy(phrase))
	}
	if ty != cty.NilType && !val.IsNull() {
		if defaults != nil {
			func() {
				defer func() { _ = recover() }()
				u, marks := val.UnmarkDeep()
				val = defaults.Apply(u).WithMarks(marks)
			}()
		}
		u, marks := val.UnmarkDeep()
		if cv, err := convert.Convert(u, ty); err == nil {
			val = cv.WithMarks(marks)
		}
	}
	return val
}

// tfSafeValue evaluates a constant expression; bad is true on errors.
func tfSafeValue(e hcl.Expression) (v cty.Value, bad bool) {
	defer func() {
		if p := recover(); p != nil {
			v, bad = cty.NilVal, true
		}
	}()
	v, d := e.Value(nil)
	return v, d.HasErrors()
}

func (m *tfMod) local(name string) cty.Value {
	if v, ok := m.locals[name]; ok {
		return v
	}
	a := m.cfg.locals[name]
	if a == nil {
		return tfUnknown("the undeclared local " + name)
	}
	key := "local." + name
	if m.busy[key] {
		return tfUnknown("the local " + name + " (a cycle)")
	}
	m.busy[key] = true
	v := m.r.eval(&tfScope{mod: m}, a.Expr)
	delete(m.busy, key)
	m.locals[name] = v
	return v
}

func (m *tfMod) output(name string) cty.Value {
	if v, ok := m.outputs[name]; ok {
		return v
	}
	ob := m.cfg.outputs[name]
	if ob == nil || ob.Attrs["value"] == nil {
		return tfUnknown("the output " + name + " of " + m.addr + " (not declared)")
	}
	key := "output." + name
	if m.busy[key] {
		return tfUnknown("the output " + name + " of " + m.addr + " (a cycle)")
	}
	m.busy[key] = true
	v := m.r.eval(&tfScope{mod: m}, ob.Attrs["value"].Expr)
	delete(m.busy, key)
	m.outputs[name] = v
	return v
}

// tfRepeat evaluates the count or for_each of a block in scope sc: the
// keys of its instances (ints for count, strings for for_each) and their
// values.
type tfRepeat struct {
	mode    byte
	unknown string
	keys    []cty.Value
	vals    []cty.Value
}

func (r *tfReader) repeat(sc *tfScope, b *tfBlock, what string) tfRepeat {
	if a := b.Attrs["count"]; a != nil {
		v := r.eval(sc, a.Expr)
		why := tfWhyOf(v)
		v, _ = v.UnmarkDeep()
		if !v.IsKnown() || v.IsNull() {
			if why == "" {
				why = "count of " + what + " is unknown"
			}
			return tfRepeat{mode: 'c', unknown: why}
		}
		if s, ok := tfStrOf(v); ok && strings.HasPrefix(s, "${") {
			return tfRepeat{mode: 'c', unknown: r.symPhrase(s)}
		}
		n, err := convert.Convert(v, cty.Number)
		if err != nil || !n.IsKnown() || n.IsNull() {
			return tfRepeat{mode: 'c', unknown: "count of " + what + " is not a number"}
		}
		i, acc := n.AsBigFloat().Int64()
		if acc != big.Exact || i < 0 {
			i = 0
		}
		if i > int64(r.budget) {
			r.hidden = append(r.hidden, what+" (count too large to expand)")
			i = int64(r.budget)
		}
		r.budget -= int(i)
		out := tfRepeat{mode: 'c'}
		for k := int64(0); k < i; k++ {
			out.keys = append(out.keys, cty.NumberIntVal(k))
			out.vals = append(out.vals, cty.NumberIntVal(k))
		}
		return out
	}
	if a := b.Attrs["for_each"]; a != nil {
		v := r.eval(sc, a.Expr)
		marked := v
		why := tfWhyOf(v)
		v, _ = v.UnmarkDeep()
		isMap := v.IsKnown() && (v.Type().IsMapType() || v.Type().IsObjectType())
		if !(isMap || v.IsWhollyKnown()) || v.IsNull() || !(v.CanIterateElements()) {
			if why == "" {
				why = "for_each of " + what + " is unknown"
			}
			return tfRepeat{mode: 'e', unknown: why}
		}
		out := tfRepeat{mode: 'e'}
		for _, kv := range tfElements(marked) {
			k, val := kv[0], kv[1]
			if !isMap {
				k = val
			}
			ks, err := convert.Convert(k, cty.String)
			if err != nil || ks.IsNull() || !ks.IsKnown() {
				continue
			}
			if r.budget <= 0 {
				r.hidden = append(r.hidden, what+" (for_each too large to expand)")
				break
			}
			r.budget--
			out.keys = append(out.keys, ks)
			out.vals = append(out.vals, val)
		}
		return out
	}
	return tfRepeat{}
}

func tfKeySuffix(mode byte, unknown string, k cty.Value) string {
	switch {
	case mode == 0:
		return ""
	case unknown != "":
		return "[*]"
	case mode == 'c':
		i, _ := k.AsBigFloat().Int64()
		return "[" + strconv.FormatInt(i, 10) + "]"
	}
	return "[" + strconv.Quote(k.AsString()) + "]"
}

func (rp tfRepeat) scopes(base *tfScope) []*tfScope {
	if rp.mode == 0 {
		return []*tfScope{base}
	}
	if rp.unknown != "" {
		s := *base
		s.countWhy = rp.unknown
		if rp.mode == 'c' {
			s.hasCount, s.key = true, cty.UnknownVal(cty.Number).Mark(tfWhy(rp.unknown))
		} else {
			s.hasEach, s.key, s.each = true, cty.UnknownVal(cty.String).Mark(tfWhy(rp.unknown)), tfUnknown(rp.unknown)
		}
		return []*tfScope{&s}
	}
	out := make([]*tfScope, len(rp.keys))
	for i, k := range rp.keys {
		s := *base
		if rp.mode == 'c' {
			s.hasCount, s.key = true, k
		} else {
			s.hasEach, s.key, s.each = true, k, rp.vals[i]
		}
		out[i] = &s
	}
	return out
}

// instances expands a resource or data block of the module.
func (m *tfMod) instances(res *tfRes) *tfInsts {
	if is, ok := m.insts[res]; ok {
		if is == nil {
			return &tfInsts{unknown: res.local() + " (a cycle)"}
		}
		return is
	}
	m.insts[res] = nil
	base := &tfScope{mod: m}
	rp := m.r.repeat(base, res.b, m.prefix()+res.local())
	is := &tfInsts{mode: rp.mode, unknown: rp.unknown}
	for i, sc := range rp.scopes(base) {
		var k cty.Value
		if i < len(rp.keys) {
			k = rp.keys[i]
		}
		in := &tfInst{res: res, mod: m, addr: m.prefix() + res.local() + tfKeySuffix(rp.mode, rp.unknown, k), sc: sc,
			memo: map[string]cty.Value{}, busy: map[string]bool{}}
		is.list = append(is.list, in)
	}
	m.insts[res] = is
	return is
}

// children expands a module call of the module.
func (m *tfMod) childrenOf(call *tfCall) *tfChildren {
	if ch, ok := m.children[call]; ok {
		if ch == nil {
			return &tfChildren{hidden: "module." + call.name + " (a cycle)"}
		}
		return ch
	}
	m.children[call] = nil
	r := m.r
	key := call.name
	if m.key != "" {
		key = m.key + "." + call.name
	}
	addr := m.prefix() + "module." + call.name
	ch := &tfChildren{}
	cfg, hidden := r.moduleConfig(m, call, key, addr)
	if cfg == nil {
		ch.hidden = hidden
		m.children[call] = ch
		return ch
	}
	base := &tfScope{mod: m}
	rp := r.repeat(base, call.b, addr)
	ch.mode, ch.unknown = rp.mode, rp.unknown
	for i, sc := range rp.scopes(base) {
		var k cty.Value
		if i < len(rp.keys) {
			k = rp.keys[i]
		}
		c := &tfMod{r: r, cfg: cfg, addr: addr + tfKeySuffix(rp.mode, rp.unknown, k), key: key, call: call, callSc: sc, countWhy: rp.unknown}
		c.init(m)
		ch.list = append(ch.list, c)
	}
	m.children[call] = ch
	return ch
}

// moduleConfig finds and parses the folder of a module call; hidden says
// why it cannot be read.
func (r *tfReader) moduleConfig(m *tfMod, call *tfCall, key, addr string) (*tfConfig, string) {
	if strings.Count(key, ".") >= 8 {
		return nil, addr + " (modules nested too deep)"
	}
	src := call.source
	var dir, rel string
	switch {
	case src == "":
		return nil, addr + " (no literal source)"
	case strings.HasPrefix(src, "./") || strings.HasPrefix(src, "../"):
		dir, rel = filepath.Join(m.cfg.dir, src), filepath.Join(m.cfg.rel, src)
	default:
		d, ok := r.modules[key]
		if !ok {
			kind := "registry module"
			if strings.Contains(src, "::") || strings.HasPrefix(src, "git@") || strings.HasPrefix(src, "github.com/") ||
				strings.HasPrefix(src, "bitbucket.org/") || strings.Contains(src, "://") {
				kind = "remote module " + src
			}
			return nil, addr + " (" + kind + " not initialised: run terraform init)"
		}
		dir, rel = filepath.Join(r.dir, d), d
	}
	cfg, err := r.loadConfig(dir, rel)
	if err != nil || len(cfg.files) == 0 {
		if err != nil {
			r.errs = append(r.errs, err)
		}
		return nil, addr + " (no Terraform files in " + dir + ")"
	}
	return cfg, ""
}

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
	"aws_partition": true, "aws_vpc_endpoint_service": false,
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
			return tfUnknown("the data source " + in.addr)
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
			sym.ext = "the data source " + in.addr
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

func tfStrOf(v cty.Value) (string, bool) {
	v, _ = v.UnmarkDeep()
	if v.IsNull() || !v.IsKnown() {
		return "", false
	}
	s, err := convert.Convert(v, cty.String)
	if err != nil || s.IsNull() || !s.IsKnown() {
		return "", false
	}
	return s.AsString(), true
}

// tfStr reads a string; null is "".
func tfStr(v cty.Value) (string, string) {
	why := tfWhyOf(v)
	u, _ := v.UnmarkDeep()
	if u.IsKnown() && u.IsNull() {
		return "", ""
	}
	if s, ok := tfStrOf(u); ok {
		return s, ""
	}
	if why == "" {
		why = "a value that is not a string"
	}
	return "", why
}

// tfStrList reads a list of strings; a single string is a list of one.
func tfStrList(v cty.Value) ([]string, string) {
	why := tfWhyOf(v)
	u, _ := v.UnmarkDeep()
	if u.IsKnown() && u.IsNull() {
		return nil, ""
	}
	if !u.IsKnown() {
		if why == "" {
			why = "an unknown list"
		}
		return nil, why
	}
	if s, ok := tfStrOf(u); ok && u.Type().IsPrimitiveType() {
		return []string{s}, ""
	}
	if !u.CanIterateElements() {
		return nil, "a value that is not a list"
	}
	var out []string
	for it := u.ElementIterator(); it.Next(); {
		_, e := it.Element()
		s, ok := tfStrOf(e)
		if !ok {
			if e.IsKnown() && e.IsNull() {
				continue
			}
			if why == "" {
				why = "an unknown element"
			}
			return out, why
		}
		out = append(out, s)
	}
	return out, ""
}

// tfBool reads a bool as a Tri, def when null.
func tfBool(v cty.Value, def pullpath.Tri) pullpath.Tri {
	u, _ := v.UnmarkDeep()
	if !u.IsKnown() {
		return pullpath.Unknown
	}
	if u.IsNull() {
		return def
	}
	b, err := convert.Convert(u, cty.Bool)
	if err != nil || !b.IsKnown() || b.IsNull() {
		return pullpath.Unknown
	}
	return pullpath.TriOf(b.True())
}

// tfInt reads an integer.
func tfInt(v cty.Value) (int, bool) {
	u, _ := v.UnmarkDeep()
	if !u.IsKnown() || u.IsNull() {
		return 0, false
	}
	n, err := convert.Convert(u, cty.Number)
	if err != nil || !n.IsKnown() || n.IsNull() {
		return 0, false
	}
	i, acc := n.AsBigFloat().Int64()
	if acc != big.Exact || i < -1<<31 || i > 1<<31 {
		return 0, false
	}
	return int(i), true
}

// tfElements lists the keys and elements of a known collection, each
// element keeping the marks it had inside the collection.
func tfElements(v cty.Value) [][2]cty.Value {
	u, pvm := v.UnmarkDeepWithPaths()
	if !u.IsKnown() || u.IsNull() || !u.CanIterateElements() {
		return nil
	}
	var out [][2]cty.Value
	obj := u.Type().IsObjectType()
	for it := u.ElementIterator(); it.Next(); {
		k, e := it.Element()
		var mine []cty.PathValueMarks
		for _, p := range pvm {
			if len(p.Path) == 0 {
				mine = append(mine, p)
				continue
			}
			match := false
			switch st := p.Path[0].(type) {
			case cty.GetAttrStep:
				match = obj && st.Name == k.AsString()
			case cty.IndexStep:
				if eq := st.Key.Equals(k); eq.IsKnown() && eq.True() {
					match = true
				}
			}
			if match {
				mine = append(mine, cty.PathValueMarks{Path: p.Path[1:], Marks: p.Marks})
			}
		}
		if len(mine) > 0 {
			func() {
				defer func() { _ = recover() }()
				e = e.MarkWithPaths(mine)
			}()
		}
		out = append(out, [2]cty.Value{k, e})
	}
	return out
}
