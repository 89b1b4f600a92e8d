package terraform

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"math/big"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/hashicorp/hcl/v2"
	"github.com/hashicorp/hcl/v2/ext/tryfunc"
	"github.com/hashicorp/hcl/v2/hclsyntax"
	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
	"github.com/zclconf/go-cty/cty/function"
	"github.com/zclconf/go-cty/cty/function/stdlib"
)

type tfFunc = function.Function

// tfFunctions are the functions of Terraform a static reader can run:
// go-cty's stdlib and hcl's ext, and the ones Terraform keeps internal
// (cidrsubnet, file, templatefile, ...) written here.
func tfFunctions(r *tfReader) map[string]tfFunc {
	fs := map[string]tfFunc{
		"abs": stdlib.AbsoluteFunc, "ceil": stdlib.CeilFunc, "floor": stdlib.FloorFunc, "log": stdlib.LogFunc,
		"max": stdlib.MaxFunc, "min": stdlib.MinFunc, "parseint": stdlib.ParseIntFunc, "pow": stdlib.PowFunc,
		"signum": stdlib.SignumFunc,
		"chomp":  stdlib.ChompFunc, "format": stdlib.FormatFunc, "formatlist": stdlib.FormatListFunc,
		"indent": stdlib.IndentFunc, "join": stdlib.JoinFunc, "lower": stdlib.LowerFunc, "upper": stdlib.UpperFunc,
		"regex": stdlib.RegexFunc, "regexall": stdlib.RegexAllFunc, "split": stdlib.SplitFunc,
		"strrev": stdlib.ReverseFunc, "substr": stdlib.SubstrFunc, "title": stdlib.TitleFunc, "trim": stdlib.TrimFunc,
		"trimprefix": stdlib.TrimPrefixFunc, "trimsuffix": stdlib.TrimSuffixFunc, "trimspace": stdlib.TrimSpaceFunc,
		"chunklist": stdlib.ChunklistFunc, "coalesce": stdlib.CoalesceFunc, "coalescelist": stdlib.CoalesceListFunc,
		"compact": stdlib.CompactFunc, "concat": stdlib.ConcatFunc, "contains": stdlib.ContainsFunc,
		"distinct": stdlib.DistinctFunc, "element": stdlib.ElementFunc, "flatten": stdlib.FlattenFunc,
		"keys": stdlib.KeysFunc, "lookup": tfLookupFunc, "merge": stdlib.MergeFunc,
		"reverse": stdlib.ReverseListFunc, "setintersection": stdlib.SetIntersectionFunc,
		"setproduct": stdlib.SetProductFunc, "setsubtract": stdlib.SetSubtractFunc, "setunion": stdlib.SetUnionFunc,
		"slice": stdlib.SliceFunc, "sort": stdlib.SortFunc, "values": stdlib.ValuesFunc, "zipmap": stdlib.ZipmapFunc,
		"csvdecode": stdlib.CSVDecodeFunc, "jsondecode": stdlib.JSONDecodeFunc,
		"formatdate": stdlib.FormatDateFunc, "timeadd": stdlib.TimeAddFunc,
		"try": tryfunc.TryFunc, "can": tryfunc.CanFunc,
		"length":      tfLengthFunc,
		"replace":     tfReplaceFunc,
		"range":       tfRangeFunc,
		"index":       tfIndexFunc,
		"one":         tfOneFunc,
		"sum":         tfSumFunc,
		"alltrue":     tfAllFunc(true),
		"anytrue":     tfAllFunc(false),
		"startswith":  tfStrPredFunc(strings.HasPrefix),
		"endswith":    tfStrPredFunc(strings.HasSuffix),
		"strcontains": tfStrPredFunc(strings.Contains),
		"tostring":    tfToFunc(cty.String),
		"tonumber":    tfToFunc(cty.Number),
		"tobool":      tfToFunc(cty.Bool),
		"tolist":      tfToFunc(cty.List(cty.DynamicPseudoType)),
		"toset":       tfToFunc(cty.Set(cty.DynamicPseudoType)),
		"tomap":       tfToFunc(cty.Map(cty.DynamicPseudoType)),
		"sensitive":   tfIdentityFunc, "nonsensitive": tfIdentityFunc,
		"base64encode": tfStrFunc(func(s string) (string, error) { return base64.StdEncoding.EncodeToString([]byte(s)), nil }),
		"base64decode": tfStrFunc(func(s string) (string, error) {
			b, err := base64.StdEncoding.DecodeString(s)
			return string(b), err
		}),
		"basename": tfStrFunc(func(s string) (string, error) { return filepath.Base(s), nil }),
		"dirname":  tfStrFunc(func(s string) (string, error) { return filepath.Dir(s), nil }),
		"abspath":  tfStrFunc(func(s string) (string, error) { return filepath.Clean(s), nil }),
		"uuid":     tfUnknownStrFunc, "timestamp": tfUnknownStrFunc,
		"cidrsubnet":  tfCidrSubnetFunc,
		"cidrsubnets": tfCidrSubnetsFunc,
		"cidrhost":    tfCidrHostFunc,
		"cidrnetmask": tfStrFunc(tfCidrNetmask),
	}
	fs["file"] = tfStrFunc(func(p string) (string, error) { return r.readConfigFile(p) })
	fs["jsonencode"] = r.jsonEncodeFunc()
	fs["fileexists"] = function.New(&function.Spec{
		Params: []function.Parameter{{Name: "path", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			_, err := r.readConfigFile(args[0].AsString())
			return cty.BoolVal(err == nil), nil
		},
	})
	inner := make(map[string]tfFunc, len(fs))
	for k, v := range fs {
		inner[k] = v
	}
	fs["templatefile"] = function.New(&function.Spec{
		Params: []function.Parameter{
			{Name: "path", Type: cty.String},
			{Name: "vars", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowDynamicType: true},
		},
		Type: function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			p := args[0].AsString()
			src, err := r.readConfigFile(p)
			if err != nil {
				return cty.NilVal, err
			}
			return tfRender(src, p, args[1], inner)
		},
	})
	return fs
}

// tfRender renders template src (named name in errors) with the variables
// of object or map vars, as templatefile() does.
func tfRender(src, name string, vars cty.Value, funcs map[string]tfFunc) (cty.Value, error) {
	expr, diags := hclsyntax.ParseTemplate([]byte(src), name, hcl.InitialPos)
	if diags.HasErrors() {
		return cty.NilVal, tfDiagError(diags)
	}
	vm := map[string]cty.Value{}
	if vars.IsKnown() && !vars.IsNull() && (vars.Type().IsObjectType() || vars.Type().IsMapType()) {
		for k, x := range vars.AsValueMap() {
			vm[k] = x
		}
	} else if !vars.IsKnown() {
		return cty.UnknownVal(cty.String), nil
	}
	out, diags := expr.Value(&hcl.EvalContext{Variables: vm, Functions: funcs})
	if diags.HasErrors() {
		return cty.NilVal, tfDiagError(diags)
	}
	if !out.IsKnown() {
		return cty.UnknownVal(cty.String), nil
	}
	return convert.Convert(out, cty.String)
}

// readConfigFile reads a file as Terraform's file(): relative paths are
// relative to the root module.
func (r *tfReader) readConfigFile(p string) (string, error) {
	if strings.Contains(p, "${") {
		return "", errors.New("the path is not known")
	}
	if !filepath.IsAbs(p) {
		p = filepath.Join(r.dir, p)
	}
	b, err := r.fsys.ReadFile(p)
	if err != nil {
		return "", err
	}
	if len(b) > 4<<20 {
		return "", errors.New("file too large")
	}
	return string(b), nil
}

var tfIdentityFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true}},
	Type:   func(args []cty.Value) (cty.Type, error) { return args[0].Type(), nil },
	Impl:   func(args []cty.Value, _ cty.Type) (cty.Value, error) { return args[0], nil },
})

var tfUnknownStrFunc = function.New(&function.Spec{
	Type: function.StaticReturnType(cty.String),
	Impl: func([]cty.Value, cty.Type) (cty.Value, error) { return cty.UnknownVal(cty.String), nil },
})

func tfStrFunc(f func(string) (string, error)) tfFunc {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "s", Type: cty.String}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			s, err := f(args[0].AsString())
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(s), nil
		},
	})
}

func tfStrPredFunc(f func(string, string) bool) tfFunc {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "s", Type: cty.String}, {Name: "t", Type: cty.String}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			return cty.BoolVal(f(args[0].AsString(), args[1].AsString())), nil
		},
	})
}

func tfToFunc(ty cty.Type) tfFunc {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowNull: true, AllowUnknown: true, AllowDynamicType: true}},
		Type: func(args []cty.Value) (cty.Type, error) {
			if !ty.HasDynamicTypes() {
				return ty, nil
			}
			if args[0].Type() == cty.DynamicPseudoType {
				return ty, nil
			}
			v, err := convert.Convert(cty.UnknownVal(args[0].Type()), ty)
			if err != nil {
				return cty.NilType, err
			}
			return v.Type(), nil
		},
		Impl: func(args []cty.Value, rt cty.Type) (cty.Value, error) { return convert.Convert(args[0], rt) },
	})
}

// jsonEncodeFunc is jsonencode that keeps what is known: an unknown part
// is written as a symbol that says why it is unknown ("${?}" when nothing
// does) instead of making the whole text unknown; its marks stay on the
// result.
func (r *tfReader) jsonEncodeFunc() tfFunc {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "val", Type: cty.DynamicPseudoType, AllowUnknown: true, AllowNull: true, AllowDynamicType: true, AllowMarked: true}},
		Type:   function.StaticReturnType(cty.String),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			b, err := json.Marshal(r.toGo(args[0], 0))
			if err != nil {
				return cty.NilVal, err
			}
			_, pvm := args[0].UnmarkDeepWithPaths()
			marks := cty.ValueMarks{}
			for _, p := range pvm {
				for m := range p.Marks {
					marks[m] = struct{}{}
				}
			}
			return cty.StringVal(string(b)).WithMarks(marks), nil
		},
	})
}

// toGo turns a value into what encoding/json writes; an unknown is a
// symbol of why it is unknown, or "${?}".
func (r *tfReader) toGo(v cty.Value, depth int) any {
	v, marks := v.Unmark()
	switch {
	case depth > 64:
		return "${?}"
	case !v.IsKnown():
		for m := range marks {
			if w, ok := m.(tfWhy); ok {
				return r.whySymbol(string(w))
			}
		}
		return "${?}"
	case v.IsNull():
		return nil
	}
	t := v.Type()
	switch {
	case t == cty.String:
		return v.AsString()
	case t == cty.Bool:
		return v.True()
	case t == cty.Number:
		return json.Number(v.AsBigFloat().Text('f', -1))
	case t.IsListType() || t.IsSetType() || t.IsTupleType():
		out := []any{}
		for it := v.ElementIterator(); it.Next(); {
			_, e := it.Element()
			out = append(out, r.toGo(e, depth+1))
		}
		return out
	case t.IsMapType() || t.IsObjectType():
		out := map[string]any{}
		for it := v.ElementIterator(); it.Next(); {
			k, e := it.Element()
			out[k.AsString()] = r.toGo(e, depth+1)
		}
		return out
	}
	return "${?}"
}

// whySymbol is the symbol of an unknown part of a text, "${?WHY}", which
// the model reads as what is defined outside the configuration, why.
func (r *tfReader) whySymbol(why string) string {
	s := "${?" + why + "}"
	if strings.ContainsAny(why, "{}") {
		return "${?}"
	}
	if r.syms[s] == nil {
		r.syms[s] = &tfSym{ext: why}
	}
	return s
}

var tfLengthFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "v", Type: cty.DynamicPseudoType, AllowDynamicType: true, AllowUnknown: true}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		v := args[0]
		if v.Type() == cty.String {
			if !v.IsKnown() {
				return cty.UnknownVal(cty.Number), nil
			}
			return stdlib.Strlen(v)
		}
		if !v.IsKnown() {
			return cty.UnknownVal(cty.Number), nil
		}
		if !v.CanIterateElements() {
			return cty.NilVal, errors.New("length of a value that is not a collection")
		}
		return v.Length(), nil
	},
})

var tfReplaceFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "s", Type: cty.String}, {Name: "substr", Type: cty.String}, {Name: "replace", Type: cty.String}},
	Type:   function.StaticReturnType(cty.String),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		s, sub, rep := args[0].AsString(), args[1].AsString(), args[2].AsString()
		if len(sub) > 1 && sub[0] == '/' && sub[len(sub)-1] == '/' {
			re, err := regexp.Compile(sub[1 : len(sub)-1])
			if err != nil {
				return cty.NilVal, err
			}
			return cty.StringVal(re.ReplaceAllString(s, rep)), nil
		}
		return cty.StringVal(strings.ReplaceAll(s, sub, rep)), nil
	},
})

var tfRangeFunc = function.New(&function.Spec{
	VarParam: &function.Parameter{Name: "n", Type: cty.Number},
	Type:     function.StaticReturnType(cty.List(cty.Number)),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		var n []float64
		for _, a := range args {
			f, _ := a.AsBigFloat().Float64()
			n = append(n, f)
		}
		start, end, step := 0.0, 0.0, 1.0
		switch len(n) {
		case 1:
			end = n[0]
		case 2:
			start, end = n[0], n[1]
			if end < start {
				step = -1
			}
		case 3:
			start, end, step = n[0], n[1], n[2]
		default:
			return cty.NilVal, errors.New("range takes 1 to 3 arguments")
		}
		if step == 0 || (end-start)/step > 4096 {
			return cty.NilVal, errors.New("range too large")
		}
		var out []cty.Value
		for x := start; (step > 0 && x < end) || (step < 0 && x > end); x += step {
			out = append(out, cty.NumberFloatVal(x))
		}
		if len(out) == 0 {
			return cty.ListValEmpty(cty.Number), nil
		}
		return cty.ListVal(out), nil
	},
})

var tfIndexFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}, {Name: "value", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if !args[0].CanIterateElements() {
			return cty.NilVal, errors.New("index of a value that is not a list")
		}
		for it := args[0].ElementIterator(); it.Next(); {
			k, e := it.Element()
			if eq := e.Equals(args[1]); eq.IsKnown() && eq.True() {
				return k, nil
			}
		}
		return cty.NilVal, errors.New("value not in the list")
	},
})

var tfOneFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.DynamicPseudoType),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if !args[0].CanIterateElements() {
			return cty.NilVal, errors.New("one of a value that is not a list")
		}
		switch args[0].LengthInt() {
		case 0:
			return cty.NullVal(cty.DynamicPseudoType), nil
		case 1:
			it := args[0].ElementIterator()
			it.Next()
			_, e := it.Element()
			return e, nil
		}
		return cty.NilVal, errors.New("more than one element")
	},
})

var tfSumFunc = function.New(&function.Spec{
	Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
	Type:   function.StaticReturnType(cty.Number),
	Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
		if !args[0].CanIterateElements() {
			return cty.NilVal, errors.New("sum of a value that is not a list")
		}
		total := cty.Zero
		for it := args[0].ElementIterator(); it.Next(); {
			_, e := it.Element()
			n, err := convert.Convert(e, cty.Number)
			if err != nil || !n.IsKnown() || n.IsNull() {
				return cty.UnknownVal(cty.Number), nil
			}
			total = total.Add(n)
		}
		return total, nil
	},
})

func tfAllFunc(all bool) tfFunc {
	return function.New(&function.Spec{
		Params: []function.Parameter{{Name: "list", Type: cty.DynamicPseudoType}},
		Type:   function.StaticReturnType(cty.Bool),
		Impl: func(args []cty.Value, _ cty.Type) (cty.Value, error) {
			if !args[0].CanIterateElements() {
				return cty.NilVal, errors.New("not a list")
			}
			for it := args[0].ElementIterator(); it.Next(); {
				_, e := it.Element()
				b, err := convert.Convert(e, cty.Bool)
				if err != nil || !b.IsKnown() {
					return cty.UnknownVal(cty.Bool), nil
				}
				if !b.IsNull() && b.True() != all {
					return cty.BoolVal(!all), nil
				}
			}
			return cty.BoolVal(all), nil
		},
	})
}

// CIDR functions. A symbolic prefix "${X}" gives a symbolic block
// "${cidrsubnet(X,NEWBITS,NETNUM)}", which tfCIDR reads as a block inside X.

func tfSymInner(s string) (string, bool) {
	if strings.HasPrefix(s, "${") && strings.HasSuffix(s, "}") && strings.Count(s, "${") == 1 {
		return s[2 : len(s)-1], true
	}
	return "", false
}

func tfIntArg(v cty.Value) (int64, error) {
	i, acc := v.AsBigFloat().Int64()
	if acc != big.Exact {
		return 0, errors.New("not a whole number")
	}
	return i, nil
}

// renderTemplateFile renders a data "template_file" (the hashicorp/template
// provider): its template, often file("..."), with its vars, as
// templatefile() does.
func (r *tfReader) renderTemplateFile(in *tfInst) cty.Value {
	src, why := tfStr(r.attr(in, "template", nil))
	if why != "" {
		return tfUnknown(why)
	}
	vars := r.attr(in, "vars", nil)
	if in.res.b.Attrs["vars"] == nil {
		// Terraform 0.11 wrote vars as a block
		for _, c := range in.res.b.Blocks {
			if c.Type == "vars" {
				o := map[string]cty.Value{}
				for k, a := range c.Attrs {
					o[k] = r.eval(in.sc, a.Expr)
				}
				vars = cty.ObjectVal(o)
			}
		}
	}
	if why := tfWhyOf(vars); why != "" {
		// a variable the set cannot show: the rendered text depends on it
		u, _ := vars.UnmarkDeep()
		if !u.IsWhollyKnown() {
			return tfUnknown(why)
		}
	}
	u, _ := vars.UnmarkDeep()
	out, err := tfRender(src, in.addr, u, r.funcs)
	if err != nil {
		return tfUnknown("the template of " + in.addr + ", which cannot be rendered: " + err.Error())
	}
	if !out.IsKnown() {
		return tfUnknown("the rendered template of " + in.addr)
	}
	return out
}
