package pullpath

import (
	"path"
	"strings"
)

// ParsePolicy reads a policy document a reader resolved into plain values
// (see Show); str reads a string or a list of strings (unknown parts as
// ${...}), as Strings does.
func ParsePolicy(name string, doc any, str func(any) []string) *Policy {
	p := &Policy{Name: name}
	d, ok := doc.(map[string]any)
	if !ok {
		p.Why = "the policy " + name + " is " + WhyOf(doc)
		return p
	}
	var list []any
	switch st := d["Statement"].(type) {
	case []any:
		list = st
	case map[string]any:
		list = []any{st}
	default:
		p.Why = "the statements of " + name + " are " + WhyOf(st)
		return p
	}
	for _, e := range list {
		m, ok := e.(map[string]any)
		if !ok {
			p.Why = "a statement of " + name + " is " + WhyOf(e)
			continue
		}
		effect, _ := m["Effect"].(string)
		if effect != "Allow" && effect != "Deny" {
			p.Why = "the Effect of a statement of " + name + " is " + WhyOf(m["Effect"])
			continue
		}
		st := Statement{Allow: effect == "Allow"}
		st.Actions, st.NotActions = str(m["Action"]), str(m["NotAction"])
		_, hasR := m["Resource"]
		_, hasNR := m["NotResource"]
		st.HasResource = hasR || hasNR
		st.Resources, st.NotResources = str(m["Resource"]), str(m["NotResource"])
		if c, ok := m["Condition"].(map[string]any); ok && len(c) > 0 {
			st.Conditional = true
			st.Conditions = map[string]map[string][]string{}
			for op, kv := range c {
				keys, _ := kv.(map[string]any)
				st.Conditions[op] = map[string][]string{}
				for k, v := range keys {
					st.Conditions[op][k] = str(v)
				}
			}
		} else if m["Condition"] != nil {
			st.Conditional = true // unreadable: evaluated as unknown
		}
		switch pr := m["Principal"].(type) {
		case nil:
			st.PrincipalAll = true // identity policies, and statements naming no one
		case string:
			st.PrincipalAll = pr == "*"
		case map[string]any:
			for _, id := range str(pr["AWS"]) {
				if id == "*" {
					st.PrincipalAll = true
				}
			}
		}
		p.Statements = append(p.Statements, st)
	}
	return p
}

// managedPolicies are the AWS managed policies whose grants matter to a
// pull, by name.
var managedPolicies = map[string][]string{
	"AmazonECSTaskExecutionRolePolicy":     {"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"},
	"AmazonEC2ContainerRegistryPullOnly":   {"ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchImportUpstreamImage"},
	"AmazonEC2ContainerRegistryReadOnly":   {"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:Describe*", "ecr:List*", "ecr:GetRepositoryPolicy", "ecr:GetLifecyclePolicy*"},
	"AmazonEC2ContainerRegistryPowerUser":  {"ecr:GetAuthorizationToken", "ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart", "ecr:CompleteLayerUpload", "ecr:PutImage"},
	"AmazonEC2ContainerRegistryFullAccess": {"ecr:*"},
	"CloudWatchLogsFullAccess":             {"logs:*"},
	"SecretsManagerReadWrite":              {"secretsmanager:*"},
	"AmazonSSMReadOnlyAccess":              {"ssm:Describe*", "ssm:Get*", "ssm:List*"},
	"AdministratorAccess":                  {"*"},
}

// ManagedPolicy returns an AWS managed policy, by its ARN, as a policy when
// its grants are known, else nil.
func ManagedPolicy(arn string) *Policy {
	if !strings.Contains(arn, "iam::aws:policy/") {
		return nil
	}
	actions, ok := managedPolicies[path.Base(arn)]
	if !ok {
		return nil
	}
	return &Policy{Name: arn, Statements: []Statement{{Allow: true, Actions: actions, HasResource: true, Resources: []string{"*"}, PrincipalAll: true}}}
}

// glob matches an IAM pattern (with * and ?) against s.
func glob(p, s string) bool {
	// iterative wildcard matching with one backtrack point
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(s) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == s[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
		case star >= 0:
			pi, mark = star+1, mark+1
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

var literalStars = strings.NewReplacer("*", "\x03", "?", "\x04")

// segment stands for an unknown part of a name: any run of characters
// without a colon (an unknown region, account, partition or name never
// spans an ARN's fields).
const segment = '\x02'

// unknownsAsStars writes each ${...} of s as a segment wildcard.
func unknownsAsStars(s string) string {
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		j := strings.IndexByte(s[max(i, 0):], '}')
		if i < 0 || j < 0 {
			b.WriteString(s)
			return b.String()
		}
		b.WriteString(s[:i])
		b.WriteByte(segment)
		s = s[i+j+1:]
	}
}

// overlap says whether two patterns can match one string: * matches any
// run, ? any character, a segment any run without a colon.
func overlap(p, q string) bool {
	memo := map[[2]int]bool{}
	star := func(c byte) bool { return c == '*' || c == segment }
	// eats says whether wildcard w can produce character c
	eats := func(w, c byte) bool { return w == '*' || c != ':' }
	var f func(i, j int) bool
	f = func(i, j int) bool {
		if v, ok := memo[[2]int{i, j}]; ok {
			return v
		}
		var r bool
		switch {
		case i == len(p) && j == len(q):
			r = true
		case i < len(p) && star(p[i]):
			// p's wildcard ends, or takes q's next character
			r = f(i+1, j) || j < len(q) && (star(q[j]) || eats(p[i], q[j])) && f(i, j+1)
		case j < len(q) && star(q[j]):
			r = f(i, j+1) || i < len(p) && eats(q[j], p[i]) && f(i+1, j)
		case i < len(p) && j < len(q) && (p[i] == q[j] || p[i] == '?' || q[j] == '?'):
			r = f(i+1, j+1)
		}
		memo[[2]int{i, j}] = r
		return r
	}
	return f(0, 0)
}

// matches says whether pattern p matches s, where either may hold unknown
// parts (${...}): Yes when it matches with the unknown parts as they are
// written (one symbol equals itself), No when no values of them could make
// it match, else Unknown.
func matches(p, s string, fold bool) Tri {
	if fold {
		p, s = strings.ToLower(p), strings.ToLower(s)
	}
	if glob(p, s) {
		return Yes
	}
	if !strings.Contains(p, "${") && !strings.Contains(s, "${") {
		return No
	}
	// the resource's own * and ? are characters, not wildcards
	if overlap(unknownsAsStars(p), unknownsAsStars(literalStars.Replace(s))) {
		return Unknown
	}
	return No
}

func anyMatches(patterns []string, s string, fold bool) Tri {
	out := No
	for _, p := range patterns {
		out = Or(out, matches(p, s, fold))
	}
	return out
}

// Request is what a policy is asked: may Account call Action on Resource?
type Request struct {
	Action, Resource string
	// Account is the caller's account, ResourceAccount the resource
	// owner's ("aws" for a bucket AWS owns); literal or ${...}.
	Account, ResourceAccount string
	// NoSourceVpc is true when the call carries no aws:SourceVpc(e): the
	// execution role's calls go through the Fargate-owned interface.
	NoSourceVpc bool
	// Known replaces symbols whose value is known (a partition the
	// template's own ARNs fix) in patterns and in the resource alike.
	Known *strings.Replacer
}

// Evaluate answers req against policies: Yes when a statement allows it and
// no Deny may cover it, No when none allows it or a Deny surely covers it,
// Unknown when a document, a pattern or a condition cannot be decided.
func Evaluate(policies []*Policy, req Request) Tri {
	allow, deny, why := No, No, false
	for _, p := range policies {
		if p.Why != "" {
			why = true
		}
		for _, st := range p.Statements {
			if st.Allow {
				allow = Or(allow, And(st.action(req.Action), st.resource(req.Resource, req.Known), st.conditions(req)))
			} else if st.PrincipalAll {
				deny = Or(deny, And(st.action(req.Action), st.resource(req.Resource, req.Known), st.conditions(req)))
			}
		}
	}
	switch {
	case deny == Yes:
		return No
	case allow == Yes && deny == Unknown:
		return Unknown
	case allow == No && why:
		return Unknown
	}
	return allow
}

func (st Statement) action(a string) Tri {
	if len(st.NotActions) > 0 {
		switch anyMatches(st.NotActions, a, true) {
		case Yes:
			return No
		case Unknown:
			return Unknown
		}
		return TriOf(len(st.Actions) == 0)
	}
	return anyMatches(st.Actions, a, true)
}

func (st Statement) resource(r string, known *strings.Replacer) Tri {
	if !st.HasResource {
		return Yes // endpoint policies may name no resource
	}
	resources, notResources := st.Resources, st.NotResources
	if known != nil {
		r = known.Replace(r)
		resources, notResources = replaceAll(known, resources), replaceAll(known, notResources)
	}
	if len(notResources) > 0 && len(resources) == 0 {
		switch anyMatches(notResources, r, false) {
		case Yes:
			return No
		case Unknown:
			return Unknown
		}
		return Yes
	}
	return anyMatches(resources, r, false)
}

func replaceAll(r *strings.Replacer, s []string) []string {
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = r.Replace(x)
	}
	return out
}

// conditions evaluates a statement's conditions for req, as far as the
// keys a pull involves go: aws:PrincipalAccount, aws:ResourceAccount,
// aws:SourceVpc and aws:SourceVpce. Others are unknown.
func (st Statement) conditions(req Request) Tri {
	if !st.Conditional {
		return Yes
	}
	if st.Conditions == nil {
		return Unknown
	}
	out := Yes
	for op, keys := range st.Conditions {
		for key, values := range keys {
			out = And(out, condition(op, key, values, req))
		}
	}
	return out
}

func condition(op, key string, values []string, req Request) Tri {
	base := strings.TrimSuffix(op, "IfExists")
	ifExists := base != op
	var actual string
	present := true
	switch strings.ToLower(key) {
	case "aws:principalaccount":
		actual = req.Account
	case "aws:resourceaccount":
		actual = req.ResourceAccount
	case "aws:sourcevpc", "aws:sourcevpce":
		if !req.NoSourceVpc {
			return Unknown
		}
		present = false
	default:
		return Unknown
	}
	if actual == "" && present {
		return Unknown
	}
	negated := strings.Contains(base, "Not")
	if !present {
		// a key missing from the request: positive operators fail,
		// negated ones and ...IfExists hold
		return TriOf(negated || ifExists)
	}
	var eq Tri
	switch strings.Replace(base, "Not", "", 1) {
	case "StringEquals", "StringEqualsIgnoreCase", "ArnEquals":
		eq = No
		for _, v := range values {
			eq = Or(eq, same3(v, actual))
		}
	case "StringLike", "ArnLike":
		eq = No
		for _, v := range values {
			eq = Or(eq, matches(v, actual, false))
		}
	default:
		return Unknown
	}
	if negated {
		switch eq {
		case Yes:
			return No
		case No:
			return Yes
		}
	}
	return eq
}

// same3 compares two values that may be symbols: equal text is Yes, two
// literals that differ are No, an AWS-owned resource matches no account.
func same3(a, b string) Tri {
	switch {
	case a == b:
		return Yes
	case a == "aws" || b == "aws":
		return No
	case strings.Contains(a, "${") || strings.Contains(b, "${"):
		return Unknown
	}
	return No
}
