package pullpath

import (
	"slices"
	"strings"
)

// KindOf is the launcher's kind, KindService when Kind is not set.
func (s *Service) KindOf() string {
	if s.Kind == "" {
		return KindService
	}
	return s.Kind
}

// kindLabels name each kind of launcher in messages.
var kindLabels = map[string]string{
	KindService:      "ECS service",
	KindEventsRule:   "EventBridge rule target",
	KindSchedule:     "EventBridge schedule",
	KindStateMachine: "Step Functions state machine",
	KindTaskDef:      "task definition",
}

// KindLabel names a kind of launcher for people ("EventBridge schedule").
func KindLabel(kind string) string {
	if l, ok := kindLabels[kind]; ok {
		return l
	}
	return kind
}

// Label names the launcher in messages: "ECS service Web",
// "EventBridge rule target Nightly/Target0".
func (s *Service) Label() string { return KindLabel(s.KindOf()) + " " + s.ID }

// who names the launcher being judged in messages.
func (j *judgement) who() string { return j.s.Label() }

// runBy says, after a task definition's id, what runs it: "" for a task
// definition judged on its own.
func (j *judgement) runBy() string {
	if j.s.KindOf() == KindTaskDef {
		return ""
	}
	return " (" + j.who() + ")"
}

// UnlaunchedWhy is the unknown network of a Fargate task definition that
// nothing in the set launches.
const UnlaunchedWhy = "nothing in the set launches it: whoever calls RunTask gives its subnets and security groups"

// unlaunched adds a launcher of kind KindTaskDef for each Fargate task
// definition that no launcher of the set runs: what its own definition
// decides (the image's registry, the execution role, the endpoints its
// logs and secrets need) is judged; its network is unknown.
func (m *Model) unlaunched() {
	run := map[*TaskDef]bool{}
	for _, s := range m.Services {
		if s.Task != nil {
			run[s.Task] = true
		}
	}
	for _, t := range m.TaskDefs {
		if !t.Fargate || run[t] || t.Ext != "" {
			continue
		}
		if slices.ContainsFunc(m.Services, func(s *Service) bool { return s.Kind == KindTaskDef && s.Task == t }) {
			continue
		}
		s := &Service{Node: t.Node, Kind: KindTaskDef, LaunchType: "FARGATE", Task: t, Awsvpc: true,
			SubnetsWhy: UnlaunchedWhy, GroupsWhy: UnlaunchedWhy, PublicIP: Unknown, Exec: No}
		if t.OtherCompat {
			// on EC2 the container instance pulls: whoever runs it decides
			s.LaunchType, s.StrategyWhy = "", "it is compatible with FARGATE and another launch type: whoever calls RunTask picks one"
		}
		m.Services = append(m.Services, s)
	}
}

// networkUnknown folds the unknowns that the missing network of a task
// definition nothing launches causes into one, naming what it hides.
func (j *judgement) networkUnknown() {
	var pieces, rest []string
	for _, u := range j.unknowns {
		piece, why, _ := strings.Cut(u, ": ")
		if strings.Contains(why, UnlaunchedWhy) || why == "the VPC of the tasks" {
			pieces = append(pieces, piece)
			continue
		}
		rest = append(rest, u)
	}
	if len(pieces) == 0 {
		return
	}
	j.unknowns = append([]string{"the network RunTask gives it (" + strings.Join(pieces, ", ") + ", or a way out): " + UnlaunchedWhy}, rest...)
}

// RunTaskStates finds the states of a parsed Step Functions definition
// that run ECS tasks (Resource arn:PARTITION:states:::ecs:runTask, .sync or
// .waitForTaskToken), in Parallel branches and Map processors too. It
// returns their names, sorted, and each state's fields by name.
func RunTaskStates(def any) ([]string, map[string]map[string]any) {
	var names []string
	found := map[string]map[string]any{}
	var walk func(v any, depth int)
	walk = func(v any, depth int) {
		m, _ := v.(map[string]any)
		sm, _ := m["States"].(map[string]any)
		if depth > 20 {
			return
		}
		for name, st := range sm {
			s, _ := st.(map[string]any)
			if strings.Contains(Show(s["Resource"]), ":states:::ecs:runTask") {
				if _, dup := found[name]; !dup {
					names = append(names, name)
				}
				found[name] = s
			}
			branches, _ := s["Branches"].([]any)
			for _, br := range branches {
				walk(br, depth+1)
			}
			walk(s["Iterator"], depth+1)
			walk(s["ItemProcessor"], depth+1)
		}
	}
	walk(def, 0)
	slices.Sort(names)
	return names, found
}

// StateParameters returns the parameters of a task state: Parameters
// (JSONPath) or Arguments (JSONata).
func StateParameters(s map[string]any) (map[string]any, bool) {
	if p, ok := s["Parameters"].(map[string]any); ok {
		return p, true
	}
	p, ok := s["Arguments"].(map[string]any)
	return p, ok
}

// JSONata says whether a state's value is a JSONata expression ("{% ... %}"),
// evaluated at run time.
func JSONata(v any) bool {
	s, ok := v.(string)
	s = strings.TrimSpace(s)
	return ok && strings.HasPrefix(s, "{%") && strings.HasSuffix(s, "%}")
}
