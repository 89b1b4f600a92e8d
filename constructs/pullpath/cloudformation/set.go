package cloudformation

import (
	"path/filepath"

	"github.com/privatepull/privatepull/constructs/pullpath"

	"slices"
	"strings"
)

// cfnSet is the CloudFormation part of a set: its templates, their
// exports, and the nodes they define or name.
type cfnSet struct {
	m     *pullpath.Model
	ctxs  []*cfnCtx
	byEnv map[string]map[string][]export // env -> export name -> definitions
	// byShape holds the exports named after their own stack
	// (${AWS::StackName}:X), by env and the name with the stack's part left out.
	byShape map[string]map[string][]export
	ext     map[string]any // kind + key -> external node
	// assume gives conditions the set cannot decide a value, by name, to
	// judge a service under each combination (pullpath.Brancher).
	assume map[string]bool
}

type export struct {
	c *cfnCtx
	v any
}

func newCfnSet(m *pullpath.Model) *cfnSet {
	return &cfnSet{m: m, byEnv: map[string]map[string][]export{}, byShape: map[string]map[string][]export{}, ext: map[string]any{}}
}

// add adds a parsed template. parent and params bind a nested stack.
func (s *cfnSet) add(in *pullpath.Input, file string, tpl *template, parent *cfnCtx, params map[string]any) *cfnCtx {
	c := &cfnCtx{set: s, in: in, tpl: tpl, file: file, parent: parent, params: params, conds: map[string]pullpath.Tri{}, nodes: map[string]any{}}
	s.ctxs = append(s.ctxs, c)
	for _, tr := range tpl.Transform {
		in.Hidden = append(in.Hidden, "what the Transform "+tr+" generates in "+file)
	}
	return c
}

// importValue resolves Fn::ImportValue name against the exports of the
// set's templates of c's environment.
func (s *cfnSet) importValue(c *cfnCtx, name string, depth int) any {
	defs := s.byEnv[c.in.Env()][name]
	if len(defs) == 1 {
		return defs[0].c.res(defs[0].v, depth+1)
	}
	why := "the import " + name
	if len(defs) > 1 {
		why += " (exported twice in the set)"
	}
	return unknown{sym: "import:" + c.in.Env() + ":" + name, why: why}
}

// importByShape resolves an import whose name is unknown only by one
// parameter, the stack it imports from (Fn::Join [":", [!Ref StackName,
// "VPCId"]]): when exactly one template of the set exports that name after
// its own stack name, the parameter is taken to name that stack, and the
// input says so.
func (s *cfnSet) importByShape(c *cfnCtx, v any, depth int) any {
	parts, _ := v.(concat)
	var param string
	shape, ok := shapeOf(parts, func(u unknown) bool {
		param = strings.TrimPrefix(u.why, "the parameter ")
		return strings.HasPrefix(u.why, "the parameter ")
	})
	defs := s.byShape[c.in.Env()][shape]
	if !ok || len(defs) != 1 {
		return unknown{why: "the import " + pullpath.Show(v)}
	}
	assumption := "the parameter " + param + " of " + c.file + " names the stack of " + defs[0].c.file
	if !slices.Contains(c.in.Assumed, assumption) {
		c.in.Assumed = append(c.in.Assumed, assumption)
	}
	return defs[0].c.res(defs[0].v, depth+1)
}

// shapeOf writes a name with its one unknown part (one that fits) left
// out, or says it has another shape.
func shapeOf(parts concat, fits func(unknown) bool) (string, bool) {
	var b strings.Builder
	n := 0
	for _, p := range parts {
		switch x := p.(type) {
		case string:
			b.WriteString(x)
		case unknown:
			if !fits(x) {
				return "", false
			}
			n++
			b.WriteByte(0)
		default:
			return "", false
		}
	}
	return b.String(), n == 1
}

// stackOutput resolves Fn::GetStackOutput: output of the set's template of
// stack name (as the assembly names it, or its template file's base name).
func (s *cfnSet) stackOutput(c *cfnCtx, stack, output string, depth int) any {
	for _, d := range s.ctxs {
		if d.in.Stack != stack && strings.TrimSuffix(filepath.Base(d.file), ".template.json") != stack {
			continue
		}
		if o, ok := d.tpl.Outputs[output].(map[string]any); ok {
			return d.res(o["Value"], depth+1)
		}
	}
	return unknown{sym: "output:" + stack + ":" + output, why: "the output " + output + " of stack " + stack}
}

// indexExports records every template's exports; it runs before any
// import is resolved, and export names that need an import are skipped.
func (s *cfnSet) indexExports() {
	for _, c := range s.ctxs {
		env := c.in.Env()
		if s.byEnv[env] == nil {
			s.byEnv[env] = map[string][]export{}
		}
		for _, o := range c.tpl.Outputs {
			om, _ := o.(map[string]any)
			ex, _ := om["Export"].(map[string]any)
			if ex == nil {
				continue
			}
			switch name := c.resolve(ex["Name"]).(type) {
			case string:
				s.byEnv[env][name] = append(s.byEnv[env][name], export{c, om["Value"]})
			case concat:
				if shape, ok := shapeOf(name, func(u unknown) bool { return u.sym == "AWS::StackName" }); ok {
					if s.byShape[env] == nil {
						s.byShape[env] = map[string][]export{}
					}
					s.byShape[env][shape] = append(s.byShape[env][shape], export{c, om["Value"]})
				}
			}
		}
	}
}
