package cloudformation

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// Values of a template after its intrinsics are resolved: plain values
// (string, float64, bool, []any, map[string]any) and these.
type (
	// ref is a resource of a template of the set (Ref or Fn::GetAtt).
	ref struct {
		c        *cfnCtx
		id, attr string
	}
	// unknown is a value the set cannot show. Two unknowns with the same
	// sym are the same value (one parameter, one import).
	unknown struct{ sym, why string }
	// concat is a string built of pieces (strings, refs, unknowns).
	concat []any
	// noValue is AWS::NoValue: the property is removed.
	noValue struct{}
)

// cfnCtx is one template of the set and what its intrinsics resolve against.
type cfnCtx struct {
	set  *cfnSet
	in   *pullpath.Input
	tpl  *template
	file string
	// params binds a nested stack's parameters to its parent's values.
	params map[string]any
	parent *cfnCtx
	// conds memoizes the template's conditions.
	conds map[string]pullpath.Tri
	nodes map[string]any // logical id -> model node
	// maybe says, by logical id, why a resource may not exist (a Condition
	// the set cannot decide).
	maybe map[string]string
	// acks are the acknowledgements a cloud assembly records, by logical id.
	acks map[string]map[string]string
}

// resolve resolves the intrinsics of v. depth bounds recursion through
// imports and nested stacks.
func (c *cfnCtx) resolve(v any) any { return c.res(v, 0) }

func (c *cfnCtx) res(v any, depth int) any {
	if depth > maxDepth {
		return unknown{why: "a value nested too deeply"}
	}
	switch x := v.(type) {
	case map[string]any:
		if len(x) == 1 {
			for k, arg := range x {
				if k == "Ref" || strings.HasPrefix(k, "Fn::") {
					return c.intrinsic(k, arg, depth+1)
				}
			}
		}
		out := make(map[string]any, len(x))
		for k, e := range x {
			if r := c.res(e, depth+1); r != (noValue{}) {
				out[k] = r
			}
		}
		return out
	case []any:
		out := make([]any, 0, len(x))
		for _, e := range x {
			if r := c.res(e, depth+1); r != (noValue{}) {
				out = append(out, r)
			}
		}
		return out
	}
	return v
}

func (c *cfnCtx) intrinsic(fn string, arg any, depth int) any {
	switch fn {
	case "Ref":
		name, ok := arg.(string)
		if !ok {
			return unknown{why: "a Ref that is not a name"}
		}
		return c.ref(name, depth)
	case "Fn::GetAtt":
		var id, attr string
		switch a := arg.(type) {
		case []any:
			if len(a) == 2 {
				id, _ = a[0].(string)
				attr, _ = c.res(a[1], depth).(string)
			}
		case string:
			id, attr, _ = strings.Cut(a, ".")
		}
		if id == "" || attr == "" {
			return unknown{why: "an Fn::GetAtt that cannot be read"}
		}
		return c.getAtt(id, attr, depth)
	case "Fn::Sub":
		return c.sub(arg, depth)
	case "Fn::Join":
		a, ok := arg.([]any)
		if !ok || len(a) != 2 {
			return unknown{why: "an Fn::Join that cannot be read"}
		}
		sep, ok := c.res(a[0], depth).(string)
		list, ok2 := c.res(a[1], depth).([]any)
		if !ok || !ok2 {
			return unknown{why: "an Fn::Join of a list the set cannot show"}
		}
		var out concat
		for i, e := range list {
			if i > 0 && sep != "" {
				out = append(out, sep)
			}
			out = append(out, e)
		}
		return out.simplify()
	case "Fn::Select":
		a, ok := arg.([]any)
		if !ok || len(a) != 2 {
			return unknown{why: "an Fn::Select that cannot be read"}
		}
		idx, ok := c.res(a[0], depth).(float64)
		if !ok {
			if s, isStr := c.res(a[0], depth).(string); isStr {
				n, err := strconv.Atoi(s)
				idx, ok = float64(n), err == nil
			}
		}
		lv := c.res(a[1], depth)
		list, ok2 := lv.([]any)
		if !ok2 {
			if u, isUnknown := lv.(unknown); isUnknown {
				// an element of an unknown list: unknown, for the same
				// reason; a block cut from another stays inside it
				if strings.HasPrefix(u.sym, "in:") {
					return u
				}
				if ok && u.sym != "" {
					// one item of one list: the same item wherever it is selected
					n := strconv.Itoa(int(idx))
					return unknown{sym: u.sym + "[" + n + "]", why: "item " + n + " of " + u.why}
				}
				return unknown{why: u.why}
			}
		}
		if !ok || !ok2 || idx < 0 || int(idx) >= len(list) {
			return unknown{why: "an Fn::Select from a list the set cannot show"}
		}
		return list[int(idx)]
	case "Fn::Split":
		a, ok := arg.([]any)
		if !ok || len(a) != 2 {
			return unknown{why: "an Fn::Split that cannot be read"}
		}
		sep, ok := c.res(a[0], depth).(string)
		v := c.res(a[1], depth)
		s, ok2 := v.(string)
		if !ok || !ok2 || sep == "" {
			return unknown{why: pullpath.WhyOf(v)}
		}
		var out []any
		for _, p := range strings.Split(s, sep) {
			out = append(out, p)
		}
		return out
	case "Fn::If":
		a, ok := arg.([]any)
		if !ok || len(a) != 3 {
			return unknown{why: "an Fn::If that cannot be read"}
		}
		name, _ := a[0].(string)
		switch c.condition(name, depth) {
		case pullpath.Yes:
			return c.res(a[1], depth)
		case pullpath.No:
			return c.res(a[2], depth)
		}
		t, f := c.res(a[1], depth), c.res(a[2], depth)
		if same(t, f) {
			return t
		}
		// the same condition with the same branches is the same value
		return unknown{sym: "if:" + name + ":" + pullpath.Show(t) + "|" + pullpath.Show(f), why: "Fn::If on the condition " + name}
	case "Fn::ImportValue":
		v := c.res(arg, depth)
		name, ok := v.(string)
		if !ok {
			return c.set.importByShape(c, v, depth)
		}
		return c.set.importValue(c, name, depth)
	case "Fn::GetStackOutput":
		a, _ := arg.(map[string]any)
		stack, ok1 := c.res(a["StackName"], depth).(string)
		output, ok2 := c.res(a["OutputName"], depth).(string)
		if !ok1 || !ok2 {
			return unknown{why: "an Fn::GetStackOutput that cannot be read"}
		}
		return c.set.stackOutput(c, stack, output, depth)
	case "Fn::FindInMap":
		a, ok := arg.([]any)
		if !ok || len(a) < 3 {
			return unknown{why: "an Fn::FindInMap that cannot be read"}
		}
		var cur any = c.tpl.Mappings
		for _, k := range a[:3] {
			key, ok := c.res(k, depth).(string)
			m, isMap := cur.(map[string]any)
			if !ok || !isMap {
				return unknown{why: "an Fn::FindInMap key the set cannot show"}
			}
			if cur, ok = m[key]; !ok {
				return unknown{why: "an Fn::FindInMap key missing from the mapping"}
			}
		}
		return c.res(cur, depth)
	case "Fn::Cidr":
		return c.cidr(arg, depth)
	case "Fn::GetAZs":
		return unknown{sym: "azs", why: "the region's availability zones"}
	}
	return unknown{why: "an " + fn}
}

// ref resolves Ref name: a pseudo parameter, a parameter or a resource.
func (c *cfnCtx) ref(name string, depth int) any {
	switch name {
	case "AWS::NoValue":
		return noValue{}
	case "AWS::Region":
		if c.in.Region != "" {
			return c.in.Region
		}
		return unknown{sym: "AWS::Region", why: "the stack's region"}
	case "AWS::AccountId":
		if c.in.Account != "" {
			return c.in.Account
		}
		return unknown{sym: "AWS::AccountId", why: "the stack's account"}
	case "AWS::Partition":
		if c.in.Region != "" {
			return pullpath.PartitionOf(c.in.Region)
		}
		return unknown{sym: "AWS::Partition", why: "the stack's partition"}
	case "AWS::URLSuffix":
		if c.in.Region != "" {
			return pullpath.URLSuffixOf(c.in.Region)
		}
		return unknown{sym: "AWS::URLSuffix", why: "the stack's URL suffix"}
	case "AWS::StackName":
		if c.in.Stack != "" {
			return c.in.Stack
		}
		return unknown{sym: "AWS::StackName", why: "the stack's name"}
	}
	if strings.HasPrefix(name, "AWS::") {
		return unknown{sym: name, why: name}
	}
	if _, ok := c.tpl.Resources[name]; ok {
		return c.getAtt(name, "", depth)
	}
	if _, ok := c.tpl.Parameters[name]; ok {
		if v, bound := c.params[name]; bound && c.parent != nil {
			return c.parent.res(v, depth+1)
		}
		return unknown{sym: "param:" + c.file + ":" + name, why: "the parameter " + name}
	}
	return unknown{why: "a Ref to " + name + ", which the template does not define"}
}

// getAtt resolves Fn::GetAtt id.attr (attr "" for a Ref to a resource).
func (c *cfnCtx) getAtt(id, attr string, depth int) any {
	r, ok := c.tpl.Resources[id]
	if !ok {
		return unknown{why: "an attribute of " + id + ", which the template does not define"}
	}
	switch {
	case r.Type == "AWS::EC2::VPC" && attr == "CidrBlock", r.Type == "AWS::EC2::Subnet" && attr == "CidrBlock":
		if v, ok := r.Properties["CidrBlock"]; ok {
			out := c.res(v, depth+1)
			if u, isUnknown := out.(unknown); isUnknown && u.sym == "" {
				u.sym = c.file + ":" + id + ".CidrBlock"
				return u
			}
			return out
		}
		return unknown{sym: c.file + ":" + id + ".CidrBlock", why: "the CIDR block of " + id}
	case r.Type == "AWS::Logs::LogGroup" && attr == "Arn":
		var name any = ref{c: c, id: id} // a Ref gives the log group's name
		if v, ok := r.Properties["LogGroupName"]; ok {
			name = c.res(v, depth+1)
		}
		return concat{"arn:", c.ref("AWS::Partition", depth), ":logs:", c.ref("AWS::Region", depth), ":", c.ref("AWS::AccountId", depth), ":log-group:", name, ":*"}.simplify()
	case r.Type == "AWS::SSM::Parameter" && attr == "" && r.Properties["Name"] != nil:
		// a Ref gives the parameter's name
		if name, ok := c.res(r.Properties["Name"], depth+1).(string); ok {
			return name
		}
	case r.Type == "AWS::ECR::Repository" && (attr == "RepositoryUri" || attr == "Arn"):
		name := c.res(r.Properties["RepositoryName"], depth+1)
		if name == nil {
			name = unknown{sym: c.file + ":" + id, why: "the generated name of " + id}
		}
		account, region := c.ref("AWS::AccountId", depth), c.ref("AWS::Region", depth)
		if attr == "Arn" {
			return concat{"arn:", c.ref("AWS::Partition", depth), ":ecr:", region, ":", account, ":repository/", name}.simplify()
		}
		return concat{account, ".dkr.ecr.", region, ".", c.ref("AWS::URLSuffix", depth), "/", name}.simplify()
	}
	return ref{c: c, id: id, attr: attr}
}

// condition evaluates the template's condition name.
func (c *cfnCtx) condition(name string, depth int) pullpath.Tri {
	if t, ok := c.conds[name]; ok {
		return t
	}
	c.conds[name] = pullpath.Unknown // a cycle is unknown
	t := c.cond(c.tpl.Conditions[name], depth+1)
	if b, ok := c.set.assume[name]; ok && t == pullpath.Unknown {
		t = pullpath.TriOf(b)
	}
	c.conds[name] = t
	return t
}

func (c *cfnCtx) cond(v any, depth int) pullpath.Tri {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 || depth > maxDepth {
		if b, isBool := v.(bool); isBool {
			return pullpath.TriOf(b)
		}
		return pullpath.Unknown
	}
	for k, arg := range m {
		list, _ := arg.([]any)
		switch k {
		case "Condition":
			name, _ := arg.(string)
			return c.condition(name, depth)
		case "Fn::Equals":
			if len(list) != 2 {
				return pullpath.Unknown
			}
			a, b := c.res(list[0], depth), c.res(list[1], depth)
			if !isLiteral(a) || !isLiteral(b) {
				return pullpath.Unknown
			}
			return pullpath.TriOf(fmt.Sprint(a) == fmt.Sprint(b))
		case "Fn::Not":
			if len(list) != 1 {
				return pullpath.Unknown
			}
			switch c.cond(list[0], depth+1) {
			case pullpath.Yes:
				return pullpath.No
			case pullpath.No:
				return pullpath.Yes
			}
			return pullpath.Unknown
		case "Fn::And", "Fn::Or":
			var ts []pullpath.Tri
			for _, e := range list {
				ts = append(ts, c.cond(e, depth+1))
			}
			if k == "Fn::And" {
				return pullpath.And(ts...)
			}
			return pullpath.Or(ts...)
		}
	}
	return pullpath.Unknown
}

// sub resolves Fn::Sub.
func (c *cfnCtx) sub(arg any, depth int) any {
	var s string
	vars := map[string]any{}
	switch a := arg.(type) {
	case string:
		s = a
	case []any:
		if len(a) != 2 {
			return unknown{why: "an Fn::Sub that cannot be read"}
		}
		s, _ = a[0].(string)
		m, _ := a[1].(map[string]any)
		for k, v := range m {
			vars[k] = v
		}
	default:
		return unknown{why: "an Fn::Sub that cannot be read"}
	}
	var out concat
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			out = append(out, s)
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			out = append(out, s)
			break
		}
		out = append(out, s[:i])
		name := s[i+2 : i+j]
		s = s[i+j+1:]
		if strings.HasPrefix(name, "!") {
			out = append(out, "${"+name[1:]+"}")
			continue
		}
		if v, ok := vars[name]; ok {
			out = append(out, c.res(v, depth))
		} else if id, attr, ok := strings.Cut(name, "."); ok && !strings.HasPrefix(name, "AWS::") {
			out = append(out, c.getAtt(id, attr, depth))
		} else {
			out = append(out, c.ref(name, depth))
		}
	}
	return out.simplify()
}

// cidr resolves Fn::Cidr of a literal block.
func (c *cfnCtx) cidr(arg any, depth int) any {
	a, ok := arg.([]any)
	if !ok || len(a) != 3 {
		return unknown{why: "an Fn::Cidr that cannot be read"}
	}
	block := c.res(a[0], depth)
	count, ok1 := number(c.res(a[1], depth))
	bits, ok2 := number(c.res(a[2], depth))
	s, isStr := block.(string)
	p, err := netip.ParsePrefix(s)
	if !isStr || err != nil || !ok1 || !ok2 || !p.Addr().Is4() || bits < 1 || 32-bits < p.Bits() || count < 1 || count > 256 {
		sym := ""
		if u, isUnknown := block.(unknown); isUnknown {
			sym = u.sym
		}
		// each block is inside the one it was cut from
		return unknown{sym: "in:" + sym, why: "blocks cut from " + pullpath.Show(block)}
	}
	var out []any
	size := uint32(1) << (32 - bits)
	base := p.Masked().Addr().As4()
	start := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3])
	for i := 0; i < count; i++ {
		n := start + uint32(i)*size
		addr := netip.AddrFrom4([4]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})
		out = append(out, netip.PrefixFrom(addr, 32-bits).String())
	}
	return out
}

func number(v any) (int, bool) {
	switch x := v.(type) {
	case float64:
		return int(x), x == float64(int(x))
	case string:
		n, err := strconv.Atoi(x)
		return n, err == nil
	}
	return 0, false
}

func isLiteral(v any) bool {
	switch v.(type) {
	case string, float64, bool:
		return true
	}
	return false
}

// same reports whether two resolved values are equal.
func same(a, b any) bool { return pullpath.Show(a) == pullpath.Show(b) && !hasUnknown(a) }

func hasUnknown(v any) bool {
	switch x := v.(type) {
	case unknown:
		return true
	case concat:
		for _, p := range x {
			if hasUnknown(p) {
				return true
			}
		}
	case []any:
		for _, p := range x {
			if hasUnknown(p) {
				return true
			}
		}
	case map[string]any:
		for _, p := range x {
			if hasUnknown(p) {
				return true
			}
		}
	}
	return false
}

// simplify joins adjacent strings; a concat of strings only is a string.
func (c concat) simplify() any {
	var out concat
	for _, p := range c {
		if inner, ok := p.(concat); ok {
			for _, q := range inner {
				out = out.add(q)
			}
			continue
		}
		out = out.add(p)
	}
	switch len(out) {
	case 0:
		return ""
	case 1:
		if s, ok := out[0].(string); ok {
			return s
		}
	}
	return out
}

func (c concat) add(p any) concat {
	switch x := p.(type) {
	case float64:
		p = strconv.FormatFloat(x, 'f', -1, 64)
	case bool:
		p = strconv.FormatBool(x)
	case string:
		if x == "" {
			return c
		}
	}
	if s, ok := p.(string); ok && len(c) > 0 {
		if last, ok := c[len(c)-1].(string); ok {
			c[len(c)-1] = last + s
			return c
		}
	}
	return append(c, p)
}

// String writes the value as text, unknown parts as ${...}.
func (x ref) String() string {
	if x.attr != "" {
		return "${" + x.id + "." + x.attr + "}"
	}
	return "${" + x.id + "}"
}

func (x unknown) String() string { return "${" + x.display() + "}" }

func (x concat) String() string {
	var b strings.Builder
	for _, p := range x {
		b.WriteString(pullpath.Show(p))
	}
	return b.String()
}

// Why says why the value is unknown.
func (x unknown) Why() string { return x.why }

// Why says why the string is not literal: the reason of its first unknown
// part, or "" when every part is known.
func (x concat) Why() string {
	for _, p := range x {
		if u, ok := p.(unknown); ok {
			return u.why
		}
	}
	return ""
}

// display is how an unknown appears inside text.
func (u unknown) display() string {
	switch {
	case strings.HasPrefix(u.sym, "AWS::"):
		return u.sym
	case strings.HasPrefix(u.why, "the parameter "):
		return strings.TrimPrefix(u.why, "the parameter ")
	case strings.HasPrefix(u.why, "the import "):
		return "ImportValue " + strings.TrimPrefix(u.why, "the import ")
	}
	return u.why
}

// policyOf reads a resolved CloudFormation policy document.
func policyOf(name string, doc any) *pullpath.Policy {
	if s, ok := doc.(string); ok {
		// a document written as a JSON string
		var v any
		if json.Unmarshal([]byte(s), &v) == nil {
			doc = v
		}
	}
	return pullpath.ParsePolicy(name, doc, pullpath.Strings)
}
