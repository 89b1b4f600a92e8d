package terraform

import (
	"encoding/json"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"

	"github.com/zclconf/go-cty/cty"
)

// policy reads a policy document from its JSON text.
func (mp *tfMapper) policy(name string, v cty.Value) *pullpath.Policy {
	s, why := tfStr(v)
	if why != "" {
		return &pullpath.Policy{Name: name, Why: why}
	}
	// Unknown parts of the document are "${?}" in its strings.
	return tfParsePolicy(name, s)
}

func tfStrings(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// tfParsePolicy parses an IAM policy document.
func tfParsePolicy(name, s string) *pullpath.Policy {
	var doc any
	if err := json.Unmarshal([]byte(s), &doc); err != nil {
		return &pullpath.Policy{Name: name, Why: name + " is not a JSON policy document"}
	}
	return pullpath.ParsePolicy(name, doc, tfStrings)
}

// attach adds a managed policy by ARN to a role.
func (mp *tfMapper) attach(ro *pullpath.Role, arn, why string) {
	if why != "" {
		if ro.PoliciesWhy == "" {
			ro.PoliciesWhy = why
		}
		return
	}
	in, _, ext := mp.ref(arn)
	if in != nil && !in.res.data && in.res.typ == "aws_iam_policy" {
		ro.Policies = append(ro.Policies, mp.policy(in.addr, mp.r.get(mp.r.item(in), "policy")))
		return
	}
	if strings.Contains(arn, ":iam::aws:policy/") {
		if p := pullpath.ManagedPolicy(arn); p != nil {
			ro.Policies = append(ro.Policies, p)
			return
		}
		if ro.PoliciesWhy == "" {
			ro.PoliciesWhy = "the AWS managed policy " + arn + " (not known to pullcheck)"
		}
		return
	}
	if ro.PoliciesWhy == "" {
		if ext == "" {
			ext = arn
		}
		ro.PoliciesWhy = "the policy " + ext
	}
}

// roleOf resolves a role by reference, name or ARN.
func (mp *tfMapper) roleOf(s string, byName bool) *pullpath.Role {
	in, _, ext := mp.ref(s)
	if in != nil {
		if ro, ok := mp.nodes[in.addr].(*pullpath.Role); ok {
			return ro
		}
	}
	if s == "" {
		return nil
	}
	name := s
	if i := strings.Index(s, ":role/"); i >= 0 {
		name = s[strings.LastIndex(s, "/")+1:]
	} else if !byName {
		name = ""
	}
	if ro, ok := mp.names["role|"+name].(*pullpath.Role); ok && name != "" {
		return ro
	}
	if ext == "" {
		ext = mp.r.symPhrase(s)
	}
	if ro, ok := mp.exts["role|"+s].(*pullpath.Role); ok {
		return ro
	}
	ro := &pullpath.Role{Node: pullpath.Node{In: mp.in, ID: tfExtID(s), Ext: ext}, PoliciesWhy: ext}
	mp.exts["role|"+s] = ro
	mp.m.Roles = append(mp.m.Roles, ro)
	return ro
}
