package terraform

import (
	"encoding/json"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// fillLaunchers reads the launchers that are not ECS services: EventBridge
// targets with an ecs_target, schedules whose target has ecs_parameters,
// and Step Functions state machines whose states run ECS tasks.
func (mp *tfMapper) fillLaunchers() {
	r := mp.r
	for _, in := range mp.insts {
		if in.res.data {
			continue
		}
		it := r.item(in)
		switch in.res.typ {
		case "aws_cloudwatch_event_target":
			ecs, _ := r.nested(it, "ecs_target")
			if len(ecs) > 0 {
				sv := mp.launcher(in, in.addr, pullpath.KindEventsRule)
				mp.fillLaunch(sv, it, ecs[0], "arn", "task_definition_arn")
			}
		case "aws_scheduler_schedule":
			targets, _ := r.nested(it, "target")
			for _, t := range targets {
				ecs, _ := r.nested(t, "ecs_parameters")
				if len(ecs) > 0 {
					sv := mp.launcher(in, in.addr, pullpath.KindSchedule)
					mp.fillLaunch(sv, t, ecs[0], "arn", "task_definition_arn")
				}
			}
		case "aws_sfn_state_machine":
			mp.stateMachine(in)
		}
	}
}

func (mp *tfMapper) launcher(in *tfInst, id, kind string) *pullpath.Service {
	n := mp.node(in)
	n.ID = id
	return pullpath.Add(&mp.m.Services, &pullpath.Service{Node: n, Kind: kind})
}

// stateMachine reads the task states of a state machine's definition (a
// jsonencode, a heredoc or a templatefile: a JSON string whose values known
// after apply are symbols).
func (mp *tfMapper) stateMachine(in *tfInst) {
	s, why := mp.str(in, "definition")
	if why == "" && mp.r.syms[strings.TrimSpace(s)] != nil {
		why = mp.r.symPhrase(strings.TrimSpace(s)) // known only at apply
	}
	if why != "" && mp.mentions(in, "definition", "ecs:runTask") {
		sv := mp.launcher(in, in.addr, pullpath.KindStateMachine)
		why = "the definition of " + in.addr + " is " + why
		sv.TaskWhy, sv.SubnetsWhy, sv.GroupsWhy, sv.LaunchType, sv.Awsvpc = why, why, why, "?", true
		return
	}
	if !strings.Contains(s, "ecs:runTask") {
		return
	}
	var def any
	if err := json.Unmarshal([]byte(s), &def); err != nil {
		sv := mp.launcher(in, in.addr, pullpath.KindStateMachine)
		why := "the definition of " + in.addr + " is not JSON"
		sv.TaskWhy, sv.SubnetsWhy, sv.GroupsWhy, sv.LaunchType, sv.Awsvpc = why, why, why, "?", true
		return
	}
	names, states := pullpath.RunTaskStates(def)
	for _, name := range names {
		id := in.addr
		if len(names) > 1 {
			id += "/" + name
		}
		sv := mp.launcher(in, id, pullpath.KindStateMachine)
		p, ok := pullpath.StateParameters(states[name])
		if !ok {
			why := "the parameters of state " + name + " cannot be read"
			sv.TaskWhy, sv.SubnetsWhy, sv.GroupsWhy, sv.LaunchType, sv.Awsvpc = why, why, why, "?", true
			continue
		}
		mp.fillState(sv, name, p)
	}
}

// fillState reads the parameters of an ecs:runTask state, written as the
// RunTask API names them; a field written Key.$ is given at run time by
// the state's input.
func (mp *tfMapper) fillState(sv *pullpath.Service, state string, p map[string]any) {
	jsonataAsInput(p)
	dyn := func(m map[string]any, key string) string {
		if v, ok := m[key+".$"]; ok {
			return "the value of " + key + ", which state " + state + "'s input gives at run time (" + pullpath.Show(v) + ")"
		}
		return ""
	}
	if why := dyn(p, "Cluster"); why != "" {
		sv.Cluster = mp.extCluster("?"+sv.ID, why)
	} else if s, ok := p["Cluster"].(string); ok {
		sv.Cluster = mp.cluster(s)
	}
	switch lt := p["LaunchType"].(type) {
	case nil:
		if dyn(p, "LaunchType") != "" {
			sv.LaunchType = "?"
		}
	case string:
		sv.LaunchType = strings.ToUpper(lt)
	default:
		sv.LaunchType = "?"
	}
	if list, ok := p["CapacityProviderStrategy"].([]any); ok {
		for _, e := range list {
			m, _ := e.(map[string]any)
			if cp, ok := m["CapacityProvider"].(string); ok {
				sv.Strategy = append(sv.Strategy, cp)
			} else {
				sv.StrategyWhy = "a capacity provider of state " + state + " cannot be read"
			}
		}
	} else if why := dyn(p, "CapacityProviderStrategy"); why != "" {
		sv.StrategyWhy = why
	}
	switch ts, _ := p["TaskDefinition"].(string); {
	case dyn(p, "TaskDefinition") != "":
		sv.TaskWhy = dyn(p, "TaskDefinition")
	case ts == "":
		sv.TaskWhy = "no task definition"
	default:
		sv.Task, sv.TaskWhy = mp.taskDef(ts)
	}
	sv.Exec = pullpath.No
	switch e := p["EnableExecuteCommand"].(type) {
	case bool:
		sv.Exec = pullpath.TriOf(e)
	case nil:
		if dyn(p, "EnableExecuteCommand") != "" {
			sv.Exec = pullpath.Unknown
		}
	default:
		sv.Exec = pullpath.Unknown
	}
	sv.PublicIP = pullpath.No
	nc, _ := p["NetworkConfiguration"].(map[string]any)
	if why := dyn(p, "NetworkConfiguration"); why != "" {
		sv.Awsvpc, sv.SubnetsWhy, sv.GroupsWhy, sv.PublicIP = true, why, why, pullpath.Unknown
		return
	}
	cfg, ok := nc["AwsvpcConfiguration"].(map[string]any)
	if !ok {
		if nc != nil {
			why := "the network configuration of state " + state + " cannot be read"
			sv.Awsvpc, sv.SubnetsWhy, sv.GroupsWhy, sv.PublicIP = true, why, why, pullpath.Unknown
		}
		return
	}
	sv.Awsvpc = true
	switch ip := cfg["AssignPublicIp"].(type) {
	case nil:
		if dyn(cfg, "AssignPublicIp") != "" {
			sv.PublicIP = pullpath.Unknown
		}
	case string:
		sv.PublicIP = pullpath.TriOf(strings.EqualFold(ip, "ENABLED"))
	default:
		sv.PublicIP = pullpath.Unknown
	}
	list := func(key string) ([]string, string) {
		if why := dyn(cfg, key); why != "" {
			return nil, why
		}
		switch v := cfg[key].(type) {
		case nil:
			return nil, ""
		case []any:
			var out []string
			for _, e := range v {
				s, ok := e.(string)
				if !ok {
					return nil, "a value of " + key + " in state " + state + " that is not a string"
				}
				out = append(out, s)
			}
			return out, ""
		case string:
			if strings.HasPrefix(v, "${") {
				// a list known only where the configuration is applied
				if _, _, ext := mp.ref(v); ext != "" && ext != v {
					return nil, ext
				}
				return nil, mp.r.symPhrase(v)
			}
		}
		return nil, key + " of state " + state + " is not a list"
	}
	subnets, why := list("Subnets")
	sv.SubnetsWhy = why
	for _, s := range subnets {
		if x := mp.subnet(s); x != nil {
			sv.Subnets = append(sv.Subnets, x)
		}
	}
	groups, gwhy := list("SecurityGroups")
	sv.GroupsWhy = gwhy
	for _, s := range groups {
		if x := mp.group(s); x != nil {
			sv.Groups = append(sv.Groups, x)
		}
	}
	if gwhy == "" && len(sv.Groups) == 0 {
		sv.Groups = []*pullpath.Group{mp.defaultGroup(pullpath.ServiceVPC(sv))}
	}
}

// mentions says whether the source text of attribute name holds text.
func (mp *tfMapper) mentions(in *tfInst, name, text string) bool {
	a := in.res.b.Attrs[name]
	if a == nil {
		return false
	}
	rg := a.Expr.Range()
	src, err := mp.r.fsys.ReadFile(rg.Filename)
	if err != nil || rg.End.Byte > len(src) || rg.Start.Byte > rg.End.Byte {
		return false
	}
	return strings.Contains(string(src[rg.Start.Byte:rg.End.Byte]), text)
}

// jsonataAsInput rewrites the fields of a state's arguments that are
// JSONata expressions ("{% ... %}") as fields its input gives (Key.$): both
// are known only at run time.
func jsonataAsInput(m map[string]any) {
	for k, v := range m {
		switch x := v.(type) {
		case map[string]any:
			jsonataAsInput(x)
		default:
			if pullpath.JSONata(v) {
				delete(m, k)
				m[k+".$"] = v
			}
		}
	}
}
