package terraform

import (
	"math/big"

	"github.com/privatepull/privatepull/constructs/pullpath"

	"github.com/zclconf/go-cty/cty"
	"github.com/zclconf/go-cty/cty/convert"
)

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
