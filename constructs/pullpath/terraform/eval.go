package terraform

import (
	"math/big"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"

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
		if ty == cty.NilType && m.parent == nil && m.cfg.conditionVars()[name] {
			// untyped, but the condition of a ? : : a bool with no value
			return cty.UnknownVal(cty.Bool).Mark(tfWhy(phrase))
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
