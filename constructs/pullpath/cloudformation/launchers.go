package cloudformation

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// launchers reads the launchers of resource id that are not ECS services:
// EventBridge rules and schedules with ECS targets, and Step Functions
// state machines whose states run ECS tasks. Each becomes a Service of its
// kind, named id, or id/TARGET when the resource has several targets.
func (c *cfnCtx) launchers(id string, r *resource) {
	switch r.Type {
	case "AWS::Events::Rule":
		targets, _ := c.prop(id, "Targets").([]any)
		for _, t := range targets {
			tm, _ := t.(map[string]any)
			ecs, ok := tm["EcsParameters"].(map[string]any)
			if !ok {
				continue
			}
			name := id
			if len(targets) > 1 {
				name += "/" + pullpath.Show(tm["Id"])
			}
			x := c.launcher(id, name, pullpath.KindEventsRule)
			c.fillLaunch(x, ecs, tm["Arn"], ecs["TaskDefinitionArn"], "NetworkConfiguration")
		}
	case "AWS::Scheduler::Schedule":
		tm, _ := c.prop(id, "Target").(map[string]any)
		if ecs, ok := tm["EcsParameters"].(map[string]any); ok {
			x := c.launcher(id, id, pullpath.KindSchedule)
			c.fillLaunch(x, ecs, tm["Arn"], ecs["TaskDefinitionArn"], "NetworkConfiguration")
		}
	case "AWS::StepFunctions::StateMachine":
		c.stateMachine(id)
	}
}

func (c *cfnCtx) launcher(id, name, kind string) *pullpath.Service {
	n := c.nodeBase(id)
	n.ID = name
	return pullpath.Add(&c.set.m.Services, &pullpath.Service{Node: n, Kind: kind})
}

// stateMachine reads the states of a state machine that run ECS tasks
// (Resource arn:PARTITION:states:::ecs:runTask, .sync or
// .waitForTaskToken), from Definition or DefinitionString.
func (c *cfnCtx) stateMachine(id string) {
	subs, _ := c.prop(id, "DefinitionSubstitutions").(map[string]any)
	var def any
	switch {
	case c.tpl.Resources[id].Properties["Definition"] != nil:
		def = c.prop(id, "Definition")
	case c.tpl.Resources[id].Properties["DefinitionString"] != nil:
		def = c.prop(id, "DefinitionString")
	default:
		return // in S3: the set cannot show it
	}
	var parts []any
	if s, ok := def.(string); ok {
		def = concat{s}
	}
	if cc, ok := def.(concat); ok {
		// a JSON string with references in it: each piece that is not text
		// becomes a marker, parsed, then put back
		var b strings.Builder
		for _, p := range cc {
			if s, ok := p.(string); ok {
				b.WriteString(s)
				continue
			}
			fmt.Fprintf(&b, "\u00a7%d\u00a7", len(parts))
			parts = append(parts, p)
		}
		var v any
		if err := json.Unmarshal([]byte(b.String()), &v); err != nil {
			if strings.Contains(b.String(), ":states:::ecs:runTask") {
				x := c.launcher(id, id, pullpath.KindStateMachine)
				why := "the definition of " + id + " cannot be read as JSON"
				x.TaskWhy, x.SubnetsWhy, x.GroupsWhy, x.LaunchType, x.Awsvpc = why, why, why, "?", true
			}
			return
		}
		def = v
	}
	def = expand(def, parts, subs)
	states, found := pullpath.RunTaskStates(def)
	for _, name := range states {
		s := found[name]
		label := id
		if len(states) > 1 {
			label += "/" + name
		}
		x := c.launcher(id, label, pullpath.KindStateMachine)
		p, ok := pullpath.StateParameters(s)
		if !ok {
			why := "the parameters of state " + name + " are " + pullpath.WhyOf(s["Parameters"])
			x.TaskWhy, x.SubnetsWhy, x.GroupsWhy, x.LaunchType, x.Awsvpc = why, why, why, "?", true
			continue
		}
		p = dynamic(p, "state "+name+"'s ").(map[string]any)
		c.fillLaunch(x, p, p["Cluster"], p["TaskDefinition"], "NetworkConfiguration")
	}
}

// expand puts back the pieces that markers stand for in the strings of a
// parsed definition, and the definition's substitutions (${Name}).
func expand(v any, parts []any, subs map[string]any) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[k] = expand(e, parts, subs)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = expand(e, parts, subs)
		}
		return out
	case string:
		if !strings.Contains(x, "\u00a7") && (len(subs) == 0 || !strings.Contains(x, "${")) {
			return x
		}
		var out concat
		rest := x
		for rest != "" {
			i := strings.IndexAny(rest, "\u00a7$")
			if i < 0 {
				out = out.add(rest)
				break
			}
			out = out.add(rest[:i])
			rest = rest[i:]
			if strings.HasPrefix(rest, "\u00a7") {
				var n int
				if _, err := fmt.Sscanf(rest, "\u00a7%d\u00a7", &n); err == nil && n < len(parts) {
					out = out.add(parts[n])
					rest = rest[len(fmt.Sprintf("\u00a7%d\u00a7", n)):]
					continue
				}
			} else if strings.HasPrefix(rest, "${") {
				if j := strings.IndexByte(rest, '}'); j > 0 {
					if sv, ok := subs[rest[2:j]]; ok {
						out = out.add(sv)
						rest = rest[j+1:]
						continue
					}
				}
			}
			_, size := firstRune(rest)
			out = out.add(rest[:size])
			rest = rest[size:]
		}
		if len(out) == 1 {
			return out[0]
		}
		return out.simplify()
	}
	return v
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// dynamic replaces the fields of a state's parameters that take their
// value from the state's input or context (Key.$) with unknowns.
func dynamic(v any, whose string) any {
	switch x := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			if name, ok := strings.CutSuffix(k, ".$"); ok {
				out[name] = unknown{why: "the value of " + name + ", which " + whose + "input gives at run time (" + pullpath.Show(e) + ")"}
				continue
			}
			out[k] = dynamic(e, whose)
		}
		return out
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = dynamic(e, whose)
		}
		return out
	}
	if pullpath.JSONata(v) {
		return unknown{why: "a JSONata expression that " + whose + "input gives at run time (" + pullpath.Show(v) + ")"}
	}
	return v
}
