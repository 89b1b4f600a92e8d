package terraform

import (
	"encoding/json"
	"strings"

	tfjson "github.com/hashicorp/terraform-json"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
)

// planTraversals parses references ("aws_subnet.private",
// "module.vpc.private_subnets") into traversals.
func planTraversals(refs []string) []hcl.Traversal {
	var out []hcl.Traversal
	for _, r := range refs {
		t, d := hclsyntax.ParseTraversalAbs([]byte(r), "", hcl.InitialPos)
		if !d.HasErrors() && len(t) > 0 {
			out = append(out, t)
		}
	}
	return out
}

// planDocs are attributes holding a JSON document: a reference is only a
// part of them, never the whole value.
var planDocs = map[string]bool{"container_definitions": true, "policy": true, "assume_role_policy": true, "json": true, "minified_json": true}

// attr is an attribute of an instance as the mapper reads it: the known
// value, or what the configuration's references give where it is unknown,
// or NilVal where the provider computes it and nothing configures it.
func (pr *planRead) attr(pi *planInst, name string) cty.Value {
	if v, ok := pi.attrs[name]; ok {
		return v
	}
	if pi.busy[name] {
		return tfUnknown(pi.in.addr + "." + name + " (a cycle)")
	}
	if pi.busy == nil {
		pi.busy = map[string]bool{}
	}
	pi.busy[name] = true
	var v cty.Value
	if pi.deferred {
		v = tfUnknown(pi.in.addr + " (a data source read only during apply)")
	} else {
		var e *tfjson.Expression
		if pi.exprs != nil {
			e = pi.exprs[name]
		}
		v = pr.value(pi, pi.in.addr+"."+name, name, pi.after[name], planAt(pi.unknown, name), planAt(pi.sens, name), e, true)
	}
	delete(pi.busy, name)
	pi.attrs[name] = v
	return v
}

// absent says, without converting it, that an attribute is null or left
// to the provider: the mapping sees it unset.
func (pr *planRead) absent(pi *planInst, name string) bool {
	u := planAt(pi.unknown, name)
	switch {
	case pi.deferred:
		return false
	case u == true:
		return pi.config && (pi.exprs == nil || pi.exprs[name] == nil)
	}
	a := pi.after[name]
	return (a == nil || a == "") && u == nil
}

// planLazy is an attribute of a plan instance, converted when the mapping
// first reads it: most attributes of a plan are never read.
type planLazy struct {
	pr   *planRead
	pi   *planInst
	name string
}

func (e planLazy) Value(*hcl.EvalContext) (cty.Value, hcl.Diagnostics) { return e.value(), nil }

func (e planLazy) value() cty.Value {
	v := e.pr.attr(e.pi, e.name)
	if v == cty.NilVal {
		v = cty.NullVal(cty.DynamicPseudoType)
	}
	return v
}

// Variables are the references of the attribute's expression where its
// value is unknown: the mapping names the instances they refer to.
func (e planLazy) Variables() []hcl.Traversal {
	if e.pi.exprs == nil || (!e.pi.deferred && !planHasTrue(planAt(e.pi.unknown, e.name)) && !planHasTrue(planAt(e.pi.sens, e.name))) {
		return nil // known
	}
	if tfWhyOf(e.pr.attr(e.pi, e.name)) == "" {
		return nil
	}
	if x := e.pi.exprs[e.name]; x != nil && x.ExpressionData != nil && len(x.References) > 0 {
		return planTraversals(planPrimaries(x.References))
	}
	return nil
}

func (e planLazy) Range() hcl.Range      { return hcl.Range{Filename: e.pr.path} }
func (e planLazy) StartRange() hcl.Range { return e.Range() }

// planAt is the mark of key k in a mark object (after_unknown,
// after_sensitive): true for all of it, an object or list for parts.
func planAt(mark any, k string) any {
	switch m := mark.(type) {
	case bool:
		if m {
			return true
		}
	case map[string]any:
		return m[k]
	}
	return nil
}

func planIdx(mark any, i int) any {
	switch m := mark.(type) {
	case bool:
		if m {
			return true
		}
	case []any:
		if i < len(m) {
			return m[i]
		}
	}
	return nil
}

// planHasTrue says whether a mark marks anything.
func planHasTrue(mark any) bool {
	switch m := mark.(type) {
	case bool:
		return m
	case map[string]any:
		for _, x := range m {
			if planHasTrue(x) {
				return true
			}
		}
	case []any:
		for _, x := range m {
			if planHasTrue(x) {
				return true
			}
		}
	}
	return false
}

// value converts a value of the plan at path (its address, for messages).
// u and s are its after_unknown and after_sensitive marks, e its
// configuration expression, top whether it is a resource's attribute.
func (pr *planRead) value(pi *planInst, path, name string, a, u, s any, e *tfjson.Expression, top bool) cty.Value {
	if s == true {
		return tfUnknown(path + " (sensitive)")
	}
	plain := e != nil && e.ExpressionData != nil && len(e.NestedBlocks) == 0
	if u == true {
		switch {
		case plain && len(e.References) > 0:
			return pr.resolveExpr(pi.mod, path, name, e)
		case e == nil && top && pi.config:
			return cty.NilVal // computed by the provider, not configured
		}
		return tfUnknown(path + " (known after apply)")
	}
	if plain && planHasTrue(u) {
		// Part of a configured value is unknown: the expression as a whole
		// names what it uses.
		if l, ok := a.([]any); ok {
			if v, ok := pr.resolveList(pi.mod, path, name, l, u, e); ok {
				return v
			}
		}
		return pr.resolveExpr(pi.mod, path, name, e)
	}
	if !planHasTrue(u) && !planHasTrue(s) {
		return planCty(a)
	}
	switch x := a.(type) {
	case []any:
		if len(x) == 0 {
			return cty.EmptyTupleVal
		}
		out := make([]cty.Value, len(x))
		for i, el := range x {
			var blk map[string]*tfjson.Expression
			if e != nil && e.ExpressionData != nil && i < len(e.NestedBlocks) {
				blk = e.NestedBlocks[i]
			}
			if m, ok := el.(map[string]any); ok {
				out[i] = pr.object(pi, path, m, planIdx(u, i), planIdx(s, i), blk)
				continue
			}
			if v := pr.value(pi, path, name, el, planIdx(u, i), planIdx(s, i), nil, false); v != cty.NilVal {
				out[i] = v
			} else {
				out[i] = cty.NullVal(cty.DynamicPseudoType)
			}
		}
		return cty.TupleVal(out)
	case map[string]any:
		var blk map[string]*tfjson.Expression
		if e != nil && e.ExpressionData != nil && len(e.NestedBlocks) > 0 {
			blk = e.NestedBlocks[0]
		}
		return pr.object(pi, path, x, u, s, blk)
	case nil:
		if um, ok := u.(map[string]any); ok {
			return pr.object(pi, path, map[string]any{}, um, s, nil)
		}
		if ul, ok := u.([]any); ok {
			return pr.value(pi, path, name, make([]any, len(ul)), u, s, e, false)
		}
	}
	return planCty(a)
}

// object converts an object (a nested block, or an object value) whose
// keys may be unknown or sensitive.
func (pr *planRead) object(pi *planInst, path string, a map[string]any, u, s any, exprs map[string]*tfjson.Expression) cty.Value {
	keys := map[string]bool{}
	for k := range a {
		keys[k] = true
	}
	if um, ok := u.(map[string]any); ok {
		for k := range um {
			keys[k] = true
		}
	}
	if u == true || s == true {
		return pr.value(pi, path, "", a, u, s, nil, false)
	}
	o := make(map[string]cty.Value, len(keys))
	for k := range keys {
		var e *tfjson.Expression
		if exprs != nil {
			e = exprs[k]
		}
		v := pr.value(pi, path+"."+k, k, a[k], planAt(u, k), planAt(s, k), e, false)
		if v == cty.NilVal {
			v = cty.NullVal(cty.DynamicPseudoType)
		}
		o[k] = v
	}
	return cty.ObjectVal(o)
}

// planCty converts a known JSON value; "" is null.
func planCty(a any) cty.Value {
	switch x := a.(type) {
	case nil:
		return cty.NullVal(cty.DynamicPseudoType)
	case bool:
		return cty.BoolVal(x)
	case float64:
		return cty.NumberFloatVal(x)
	case json.Number:
		if v, err := cty.ParseNumberVal(string(x)); err == nil {
			return v
		}
		return cty.NullVal(cty.Number)
	case string:
		if x == "" {
			// The AWS provider (SDKv2) writes "" for a string argument
			// not set: unset, as in the configuration.
			return cty.NullVal(cty.String)
		}
		return cty.StringVal(strings.ToValidUTF8(x, "\uFFFD"))
	case []any:
		if len(x) == 0 {
			return cty.EmptyTupleVal
		}
		out := make([]cty.Value, len(x))
		for i, el := range x {
			out[i] = planCty(el)
		}
		return cty.TupleVal(out)
	case map[string]any:
		if len(x) == 0 {
			return cty.EmptyObjectVal
		}
		o := make(map[string]cty.Value, len(x))
		for k, el := range x {
			o[k] = planCty(el)
		}
		return cty.ObjectVal(o)
	}
	return cty.NullVal(cty.DynamicPseudoType)
}
