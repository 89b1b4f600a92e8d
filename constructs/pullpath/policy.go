package pullpath

import (
	"path"
	"strings"
)

// policyOf reads a resolved policy document.
func policyOf(name string, doc any) *Policy {
	p := &Policy{Name: name}
	d, ok := doc.(map[string]any)
	if !ok {
		p.Why = "the policy " + name + " is " + whyOf(doc)
		return p
	}
	var list []any
	switch st := d["Statement"].(type) {
	case []any:
		list = st
	case map[string]any:
		list = []any{st}
	default:
		p.Why = "the statements of " + name + " are " + whyOf(st)
		return p
	}
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			p.Why = "a statement of " + name + " is " + whyOf(e)
			continue
		}
		st := Statement{Allow: show(m["Effect"]) == "Allow", Conditional: m["Condition"] != nil}
		if e, ok := m["Effect"].(string); !ok || (e != "Allow" && e != "Deny") {
			p.Why = "the Effect of a statement of " + name + " is " + whyOf(m["Effect"])
			continue
		}
		st.Actions = strs(m["Action"])
		st.NotActions = strs(m["NotAction"])
		_, st.HasResource = m["Resource"]
		st.Resources = strs(m["Resource"])
		st.NotResources = strs(m["NotResource"])
		switch pr := m["Principal"].(type) {
		case nil:
			st.PrincipalAll = true // identity policies and statements naming no one
		case string:
			st.PrincipalAll = pr == "*"
		case map[string]any:
			st.PrincipalAll = show(pr["AWS"]) == "*"
		}
		p.Statements = append(p.Statements, st)
	}
	return p
}

// strs reads a string or a list of strings; unknown parts are ${...}.
func strs(v any) []string {
	switch x := v.(type) {
	case nil:
		return nil
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			out = append(out, show(e))
		}
		return out
	}
	return []string{show(v)}
}

// managedPolicies are AWS managed policies whose grants matter to a pull.
var managedPolicies = map[string][]string{
	"AmazonECSTaskExecutionRolePolicy":     {"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"},
	"AmazonEC2ContainerRegistryPullOnly":   {"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"},
	"AmazonEC2ContainerRegistryReadOnly":   {"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:Describe*", "ecr:List*", "ecr:Get*"},
	"AmazonEC2ContainerRegistryPowerUser":  {"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"},
	"AmazonEC2ContainerRegistryFullAccess": {"ecr:*"},
	"AdministratorAccess":                  {"*"},
	"PowerUserAccess":                      {"ecr:*", "logs:*", "secretsmanager:*", "ssm:*", "kms:*"},
}

// ManagedPolicy returns an AWS managed policy by its ARN as a policy, when
// its grants are known, else nil.
func ManagedPolicy(arn string) *Policy {
	if !strings.Contains(arn, ":iam::aws:policy/") && !strings.HasPrefix(arn, "${AWS::Partition}") {
		if !strings.Contains(arn, "iam::aws:policy/") {
			return nil
		}
	}
	name := path.Base(arn)
	actions, ok := managedPolicies[name]
	if !ok {
		return nil
	}
	return &Policy{Name: name, Statements: []Statement{{Allow: true, Actions: actions, HasResource: true, Resources: []string{"*"}, PrincipalAll: true}}}
}

// wildcard matches an IAM pattern (with * and ?) against s; patterns with
// unknown parts (${...}) match anything in those parts.
func wildcard(pattern, s string, fold bool) bool {
	if fold {
		pattern, s = strings.ToLower(pattern), strings.ToLower(s)
	}
	return match(pattern, s, 0)
}

func match(p, s string, depth int) bool {
	if depth > 64 {
		return false
	}
	for len(p) > 0 {
		switch {
		case strings.HasPrefix(p, "${"):
			end := strings.IndexByte(p, '}')
			if end < 0 {
				return p == s
			}
			rest := p[end+1:]
			for i := 0; i <= len(s); i++ {
				if match(rest, s[i:], depth+1) {
					return true
				}
			}
			return false
		case p[0] == '*':
			for i := 0; i <= len(s); i++ {
				if match(p[1:], s[i:], depth+1) {
					return true
				}
			}
			return false
		case len(s) == 0:
			return false
		case p[0] == '?' || p[0] == s[0]:
			p, s = p[1:], s[1:]
		default:
			return false
		}
	}
	return len(s) == 0
}

func anyMatch(patterns []string, s string, fold bool) bool {
	for _, p := range patterns {
		if wildcard(p, s, fold) {
			return true
		}
	}
	return false
}

// literal is true when s has no unknown part.
func literal(s string) bool { return !strings.Contains(s, "${") }

// allowsAction says whether statement st covers action a.
func (st Statement) coversAction(a string, strict bool) bool {
	if len(st.NotActions) > 0 {
		for _, p := range st.NotActions {
			if wildcard(p, a, true) && (!strict || literal(p)) {
				return false
			}
		}
		return len(st.Actions) == 0
	}
	for _, p := range st.Actions {
		if (!strict || literal(p)) && wildcard(p, a, true) {
			return true
		}
	}
	return false
}

func (st Statement) coversResource(r string, strict bool) bool {
	if len(st.NotResources) > 0 && !st.HasResource {
		for _, p := range st.NotResources {
			if literal(p) && wildcard(p, r, false) {
				return false
			}
		}
		return true
	}
	for _, p := range st.Resources {
		if (!strict || literal(p)) && wildcard(p, r, false) {
			return true
		}
	}
	return false
}

// Allows evaluates policies for action on resource ("*" when any resource
// will do): Yes when some statement allows it and no unconditional Deny
// for everyone covers it, No when none allows it or one denies it,
// Unknown when a document cannot be read.
func Allows(policies []*Policy, action, resource string) Tri {
	allowed, why := false, false
	for _, p := range policies {
		if p.Why != "" {
			why = true
		}
		for _, st := range p.Statements {
			if st.Allow && st.coversAction(action, false) && (resource == "*" && (st.HasResource || len(st.NotResources) > 0) || st.coversResource(resource, false)) {
				allowed = true
			}
			if !st.Allow && !st.Conditional && st.PrincipalAll && st.coversAction(action, true) && st.coversResource(resource, true) {
				return No
			}
			if !st.Allow && !st.Conditional && st.PrincipalAll && resource == "*" && st.coversAction(action, true) && anyMatch(st.Resources, "*", false) {
				return No
			}
		}
	}
	switch {
	case allowed:
		return Yes
	case why:
		return Unknown
	}
	return No
}
