package terraform

import (
	"encoding/json"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

func (mp *tfMapper) fillECS() {
	r := mp.r
	// Roles and policies.
	for _, in := range mp.of("aws_iam_role") {
		ro := mp.nodes[in.addr].(*pullpath.Role)
		items, why := r.nested(r.item(in), "inline_policy")
		if why != "" {
			ro.PoliciesWhy = why
		}
		for _, it := range items {
			if !r.has(it, "policy") {
				continue
			}
			n, _ := tfStr(r.get(it, "name"))
			ro.Policies = append(ro.Policies, mp.policy(in.addr+" inline policy "+n, r.get(it, "policy")))
		}
		if r.has(r.item(in), "managed_policy_arns") {
			l, why := tfStrList(r.get(r.item(in), "managed_policy_arns"))
			for _, a := range l {
				mp.attach(ro, a, "")
			}
			if why != "" {
				mp.attach(ro, "", why)
			}
		}
	}
	for _, in := range mp.insts {
		if in.res.data {
			continue
		}
		switch in.res.typ {
		case "aws_iam_role_policy":
			s, _ := mp.str(in, "role")
			if ro := mp.roleOf(s, true); ro != nil && ro.Ext == "" {
				ro.Policies = append(ro.Policies, mp.policy(in.addr, r.get(r.item(in), "policy")))
			}
		case "aws_iam_role_policy_attachment":
			s, _ := mp.str(in, "role")
			if ro := mp.roleOf(s, true); ro != nil && ro.Ext == "" {
				a, why := mp.str(in, "policy_arn")
				mp.attach(ro, a, why)
			}
		case "aws_iam_policy_attachment":
			l, _ := tfStrList(r.get(r.item(in), "roles"))
			for _, s := range l {
				if ro := mp.roleOf(s, true); ro != nil && ro.Ext == "" {
					a, why := mp.str(in, "policy_arn")
					mp.attach(ro, a, why)
				}
			}
		}
	}
	// Clusters.
	strategy := mp.strategy
	for _, in := range mp.of("aws_ecs_cluster") {
		c := mp.nodes[in.addr].(*pullpath.Cluster)
		c.Strategy, c.StrategyWhy = strategy(r.item(in), "default_capacity_provider_strategy")
	}
	for _, in := range mp.of("aws_ecs_cluster_capacity_providers") {
		s, _ := mp.str(in, "cluster_name")
		if c := mp.cluster(s); c != nil && c.Ext == "" {
			c.Strategy, c.StrategyWhy = strategy(r.item(in), "default_capacity_provider_strategy")
		}
	}
	// Task definitions.
	for _, in := range mp.of("aws_ecs_task_definition") {
		t := mp.nodes[in.addr].(*pullpath.TaskDef)
		it := r.item(in)
		compat, _ := tfStrList(r.get(it, "requires_compatibilities"))
		for _, c := range compat {
			t.Fargate = t.Fargate || c == "FARGATE"
			t.OtherCompat = t.OtherCompat || c != "FARGATE"
		}
		if r.has(it, "network_mode") {
			s, why := mp.str(in, "network_mode")
			if why != "" {
				s = "?"
			}
			t.NetworkMode = s
		}
		if r.has(it, "execution_role_arn") {
			s, why := mp.str(in, "execution_role_arn")
			if why != "" {
				t.ExecRoleWhy = why
			} else {
				t.ExecRole = mp.roleOf(s, false)
			}
		}
		v := r.get(it, "container_definitions")
		s, why := tfStr(v)
		if why != "" {
			t.ContainersWhy = why
			continue
		}
		t.Containers, t.ContainersWhy = mp.containers(s, tfWhyOf(v))
	}
	// Services.
	for _, in := range mp.of("aws_ecs_service") {
		sv := mp.nodes[in.addr].(*pullpath.Service)
		it := r.item(in)
		mp.fillLaunch(sv, it, it, "cluster", "task_definition")
	}
	mp.fillLaunchers()
}

// strategy reads the capacity provider strategy blocks typ of item it.
func (mp *tfMapper) strategy(it tfItem, typ string) ([]string, string) {
	r := mp.r
	items, why := r.nested(it, typ)
	var out []string
	for _, x := range items {
		s, w := tfStr(r.get(x, "capacity_provider"))
		if w != "" {
			why = w
			continue
		}
		out = append(out, s)
	}
	return out, why
}

// fillLaunch reads what launches tasks: the cluster (attribute clAttr of
// item cl), and from item it the launch type, the strategy, the task
// definition (attribute taskAttr), ECS Exec and the awsvpc network
// configuration, as an aws_ecs_service writes them (event targets and
// schedules write them alike).
func (mp *tfMapper) fillLaunch(sv *pullpath.Service, cl, it tfItem, clAttr, taskAttr string) {
	r := mp.r
	if r.has(cl, clAttr) {
		s, why := tfStr(r.get(cl, clAttr))
		if why != "" {
			sv.Cluster = mp.extCluster("?"+sv.ID, why)
		} else {
			sv.Cluster = mp.cluster(s)
		}
	}
	if r.has(it, "launch_type") {
		s, why := tfStr(r.get(it, "launch_type"))
		if why != "" {
			s = "?"
		}
		sv.LaunchType = strings.ToUpper(s)
	}
	sv.Strategy, sv.StrategyWhy = mp.strategy(it, "capacity_provider_strategy")
	ts, twhy := tfStr(r.get(it, taskAttr))
	switch {
	case twhy != "":
		sv.TaskWhy = twhy
	case ts == "":
		sv.TaskWhy = "no task definition"
	default:
		sv.Task, sv.TaskWhy = mp.taskDef(ts)
	}
	sv.Exec = tfBool(r.get(it, "enable_execute_command"), pullpath.No)
	sv.PublicIP = pullpath.No
	ncs, nwhy := r.nested(it, "network_configuration")
	if nwhy != "" {
		sv.Awsvpc = true
		sv.SubnetsWhy, sv.GroupsWhy, sv.PublicIP = nwhy, nwhy, pullpath.Unknown
	}
	if len(ncs) > 0 {
		nc := ncs[0]
		sv.Awsvpc = true
		sv.PublicIP = tfBool(r.get(nc, "assign_public_ip"), pullpath.No)
		l, why := tfStrList(r.get(nc, "subnets"))
		sv.SubnetsWhy = why
		for _, s := range l {
			if x := mp.subnet(s); x != nil {
				sv.Subnets = append(sv.Subnets, x)
			}
		}
		inst := it.in // a service's own instance; a launcher's nested block has none
		if inst == nil {
			inst = cl.in
		}
		mp.serviceListSubnets(inst, nc, sv)
		gl, gwhy := tfStrList(r.get(nc, "security_groups"))
		sv.GroupsWhy = gwhy
		for _, s := range gl {
			if x := mp.group(s); x != nil {
				sv.Groups = append(sv.Groups, x)
			}
		}
		if gwhy == "" && len(sv.Groups) == 0 {
			var v *pullpath.VPC
			for _, sn := range sv.Subnets {
				if sn.VPC != nil {
					v = sn.VPC
					break
				}
			}
			sv.Groups = []*pullpath.Group{mp.defaultGroup(v)}
		}
	}
}

func (mp *tfMapper) extCluster(key, phrase string) *pullpath.Cluster {
	if c, ok := mp.exts["cluster|"+key].(*pullpath.Cluster); ok {
		return c
	}
	c := &pullpath.Cluster{Node: pullpath.Node{In: mp.in, ID: tfExtID(key), Ext: phrase}, StrategyWhy: phrase}
	mp.exts["cluster|"+key] = c
	mp.m.Clusters = append(mp.m.Clusters, c)
	return c
}

// cluster resolves a cluster by reference, name or ARN.
func (mp *tfMapper) cluster(s string) *pullpath.Cluster {
	in, _, ext := mp.ref(s)
	if in != nil {
		if c, ok := mp.nodes[in.addr].(*pullpath.Cluster); ok {
			return c
		}
	}
	name := s
	if i := strings.Index(s, ":cluster/"); i >= 0 {
		name = s[i+len(":cluster/"):]
	}
	if c, ok := mp.names["cluster|"+name].(*pullpath.Cluster); ok {
		return c
	}
	if s == "" {
		return nil
	}
	if ext == "" {
		ext = mp.r.symPhrase(s)
	}
	if !strings.HasPrefix(ext, "the ") {
		ext = "the cluster " + ext
	}
	return mp.extCluster(s, ext)
}

// taskDef resolves a task definition by reference, family[:revision] or
// ARN.
func (mp *tfMapper) taskDef(s string) (*pullpath.TaskDef, string) {
	in, _, ext := mp.ref(s)
	if in != nil {
		if t, ok := mp.nodes[in.addr].(*pullpath.TaskDef); ok {
			return t, ""
		}
	}
	fam := s
	if i := strings.Index(fam, ":task-definition/"); i >= 0 {
		fam = fam[i+len(":task-definition/"):]
	}
	if i := strings.LastIndex(fam, ":"); i >= 0 {
		fam = fam[:i]
	}
	if t, ok := mp.names["family|"+fam].(*pullpath.TaskDef); ok {
		return t, ""
	}
	if ext == "" || ext == s {
		ext = "the task definition " + s + ", not in the configuration"
	}
	return nil, ext
}

// containers reads container_definitions.
func (mp *tfMapper) containers(s, why string) ([]*pullpath.Container, string) {
	var defs []map[string]any
	if err := json.Unmarshal([]byte(s), &defs); err != nil {
		var one map[string]any
		if json.Unmarshal([]byte(s), &one) == nil && one != nil {
			defs = []map[string]any{one}
		} else {
			if sym := mp.r.syms[strings.TrimSpace(s)]; why == "" && sym != nil {
				why = mp.r.symPhrase(strings.TrimSpace(s))
			}
			if why == "" {
				why = "container_definitions is not a JSON list of containers"
			}
			return nil, why
		}
	}
	var out []*pullpath.Container
	for _, d := range defs {
		c := &pullpath.Container{}
		c.Name, _ = d["name"].(string)
		c.Image, _ = d["image"].(string)
		switch {
		case c.Image == "" || c.Image == "${?}":
			c.Image = ""
			c.ImageWhy = why
			if c.ImageWhy == "" {
				c.ImageWhy = "no image"
			}
		case strings.HasPrefix(c.Image, "${") && strings.HasSuffix(c.Image, "}") && strings.Count(c.Image, "${") == 1:
			if sym := mp.r.syms[c.Image]; sym != nil && sym.ext != "" {
				c.ImageWhy = sym.ext
			} else if sym == nil {
				c.ImageWhy = c.Image
			}
		case strings.HasPrefix(c.Image, "${"):
			// the registry is a value from outside: name it
			if end := strings.IndexByte(c.Image, '}'); end > 0 && strings.ContainsAny(c.Image[end+1:min(end+2, len(c.Image))], "/:") {
				if sym := mp.r.syms[c.Image[:end+1]]; sym != nil && sym.ext != "" {
					c.ImageWhy = "the image " + c.Image + ", whose registry is " + sym.ext
				}
			}
		}
		if lc, ok := d["logConfiguration"].(map[string]any); ok {
			c.LogDriver, _ = lc["logDriver"].(string)
			opts, _ := lc["options"].(map[string]any)
			c.LogGroup, _ = opts["awslogs-group"].(string)
			c.LogRegion, _ = opts["awslogs-region"].(string)
		}
		if ss, ok := d["secrets"].([]any); ok {
			for _, x := range ss {
				sm, _ := x.(map[string]any)
				from, _ := sm["valueFrom"].(string)
				c.Secrets = append(c.Secrets, pullpath.Secret{Store: mp.secretStore(from), From: from, ARN: mp.isARN(from)})
			}
		}
		if rc, ok := d["repositoryCredentials"].(map[string]any); ok {
			if from, _ := rc["credentialsParameter"].(string); from != "" {
				c.Secrets = append(c.Secrets, pullpath.Secret{Store: "secretsmanager", From: from})
			}
		}
		out = append(out, c)
	}
	return out, ""
}

func (mp *tfMapper) secretStore(from string) string {
	if in, _, _ := mp.ref(from); in != nil {
		switch {
		case strings.HasPrefix(in.res.typ, "aws_secretsmanager_"):
			return "secretsmanager"
		case strings.HasPrefix(in.res.typ, "aws_ssm_"):
			return "ssm"
		}
	}
	return pullpath.SecretStore(from)
}

// isARN says whether a value is an ARN by the attribute it comes from: an
// arn attribute, or the id of a resource whose id is its ARN.
func (mp *tfMapper) isARN(s string) bool {
	in, attr, _ := mp.ref(s)
	if in == nil || !strings.HasPrefix(s, "${") {
		return false
	}
	switch {
	case attr == "arn" || strings.HasSuffix(attr, ".arn"):
		return true
	case attr == "id":
		return in.res.typ == "aws_secretsmanager_secret" || in.res.typ == "aws_iam_policy"
	}
	return false
}
