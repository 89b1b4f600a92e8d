package terraform

import (
	"encoding/json"

	"github.com/zclconf/go-cty/cty"
)

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
