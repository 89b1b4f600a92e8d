package cloudformation

import (
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

func strategy(v any) ([]string, string) {
	if v == nil {
		return nil, ""
	}
	list, ok := v.([]any)
	if !ok {
		return nil, "the capacity provider strategy is " + pullpath.WhyOf(v)
	}
	var out []string
	for _, e := range list {
		m, _ := e.(map[string]any)
		name, ok := m["CapacityProvider"].(string)
		if !ok {
			if r, isRef := m["CapacityProvider"].(ref); isRef {
				name = "provider " + r.id // a provider of the stack: EC2 capacity
			} else {
				return nil, "a capacity provider is " + pullpath.WhyOf(m["CapacityProvider"])
			}
		}
		out = append(out, name)
	}
	return out, ""
}

func (c *cfnCtx) fillService(id string, x *pullpath.Service) {
	v := c.resolve(c.tpl.Resources[id].Properties)
	p, ok := v.(map[string]any)
	if !ok {
		why := "the properties of " + id + " are " + pullpath.WhyOf(v)
		x.TaskWhy, x.SubnetsWhy, x.GroupsWhy, x.LaunchType, x.Awsvpc = why, why, why, "?", true
		return
	}
	c.fillLaunch(x, p, p["Cluster"], p["TaskDefinition"], "NetworkConfiguration")
}

// fillLaunch reads what launches tasks, from the properties of a service
// or a launcher's ECS parameters p: the cluster cl (nil for the default
// cluster), the task definition task, the launch type, the strategy,
// ECS Exec and the awsvpc configuration under key net.
func (c *cfnCtx) fillLaunch(x *pullpath.Service, p map[string]any, cl, task any, net string) {
	if cl != nil {
		if n, ok := c.node(cl).(*pullpath.Cluster); ok {
			x.Cluster = n
		} else {
			x.Cluster = c.extNode("cluster", cl, func(n pullpath.Node) any {
				return &pullpath.Cluster{Node: n, StrategyWhy: "the default capacity provider strategy of " + n.Ext}
			}).(*pullpath.Cluster)
		}
	}
	switch lt := p["LaunchType"].(type) {
	case nil:
	case string:
		x.LaunchType = lt
	default:
		x.LaunchType = "?"
	}
	x.Strategy, x.StrategyWhy = strategy(p["CapacityProviderStrategy"])
	if n := c.taskDef(task); n != nil {
		x.Task = n
	} else if name, ok := task.(string); ok && x.KindOf() != pullpath.KindService {
		x.TaskWhy = "the task definition " + name + ", which is not in the set"
	} else {
		x.TaskWhy = "the task definition is " + pullpath.WhyOf(task)
	}
	x.PublicIP, x.Exec = pullpath.No, triValue(p["EnableExecuteCommand"], pullpath.No)
	netcfg, _ := p[net].(map[string]any)
	cfg, ok := netcfg["AwsvpcConfiguration"].(map[string]any)
	if !ok {
		cfg, ok = netcfg["AwsVpcConfiguration"].(map[string]any) // EventBridge rules spell it so
	}
	if !ok {
		if p[net] != nil {
			why := "the network configuration is unreadable"
			if netcfg == nil {
				why = "the network configuration is " + pullpath.WhyOf(p[net])
			}
			x.Awsvpc, x.SubnetsWhy, x.GroupsWhy = true, why, why
		}
		return
	}
	x.Awsvpc = true
	switch ip := cfg["AssignPublicIp"].(type) {
	case nil:
	case string:
		x.PublicIP = pullpath.TriOf(ip == "ENABLED")
	default:
		x.PublicIP = pullpath.Unknown
	}
	if list, ok := cfg["Subnets"].([]any); ok {
		for _, sn := range list {
			x.Subnets = append(x.Subnets, c.subnet(sn))
		}
	} else {
		x.SubnetsWhy = "the subnets are " + pullpath.WhyOf(cfg["Subnets"])
	}
	switch groups := cfg["SecurityGroups"].(type) {
	case nil:
		if v := pullpath.ServiceVPC(x); v != nil {
			x.Groups = []*pullpath.Group{c.defaultGroup(v)}
		} else {
			x.GroupsWhy = "the service names no security group: it gets its VPC's default group"
			if x.KindOf() != pullpath.KindService {
				x.GroupsWhy = x.Label() + " names no security group: the tasks get their VPC's default group"
			}
		}
	case []any:
		for _, g := range groups {
			x.Groups = append(x.Groups, c.group(g))
		}
	default:
		x.GroupsWhy = "the security groups are " + pullpath.WhyOf(groups)
	}
}

// taskDef finds the task definition v names: a reference, or the family
// (family:revision, or an ARN) of a task definition of the template.
func (c *cfnCtx) taskDef(v any) *pullpath.TaskDef {
	if n, ok := c.node(v).(*pullpath.TaskDef); ok {
		return n
	}
	fam, ok := v.(string)
	if !ok || fam == "" {
		return nil
	}
	if i := strings.Index(fam, ":task-definition/"); i >= 0 {
		fam = fam[i+len(":task-definition/"):]
	}
	if i := strings.LastIndex(fam, ":"); i >= 0 {
		fam = fam[:i]
	}
	for id, r := range c.tpl.Resources {
		if r.Type == "AWS::ECS::TaskDefinition" && pullpath.Show(c.prop(id, "Family")) == fam {
			t, _ := c.nodes[id].(*pullpath.TaskDef)
			return t
		}
	}
	return nil
}

func (c *cfnCtx) fillTask(id string, x *pullpath.TaskDef) {
	v := c.resolve(c.tpl.Resources[id].Properties)
	p, ok := v.(map[string]any)
	if !ok {
		why := "the properties of " + id + " are " + pullpath.WhyOf(v)
		x.ContainersWhy, x.ExecRoleWhy, x.NetworkMode = why, why, "?"
		return
	}
	for _, compat := range pullpath.Strings(p["RequiresCompatibilities"]) {
		x.Fargate = x.Fargate || compat == "FARGATE"
		x.OtherCompat = x.OtherCompat || compat != "FARGATE"
	}
	switch nm := p["NetworkMode"].(type) {
	case nil:
	case string:
		x.NetworkMode = nm
	default:
		x.NetworkMode = "?"
	}
	switch role := p["ExecutionRoleArn"].(type) {
	case nil:
	default:
		if n, ok := c.node(role).(*pullpath.Role); ok {
			x.ExecRole = n
		} else {
			x.ExecRoleWhy = "the execution role is " + pullpath.WhyOf(role)
		}
	}
	list, ok := p["ContainerDefinitions"].([]any)
	if !ok {
		x.ContainersWhy = "the containers are " + pullpath.WhyOf(p["ContainerDefinitions"])
		return
	}
	for _, e := range list {
		cd, ok := e.(map[string]any)
		if !ok {
			x.ContainersWhy = "a container is " + pullpath.WhyOf(e)
			continue
		}
		ct := &pullpath.Container{Name: pullpath.Show(cd["Name"])}
		img := cd["Image"]
		ct.Image = pullpath.Show(img)
		if u, ok := img.(unknown); ok {
			ct.ImageWhy = "the image is " + u.why
		} else if cc, ok := img.(concat); ok && len(cc) > 0 {
			// the registry is a value from outside: name it
			next, _ := cc[min(1, len(cc)-1)].(string)
			if u, ok := cc[0].(unknown); ok && u.why != "" && !strings.HasPrefix(u.sym, "AWS::") && (strings.HasPrefix(next, "/") || strings.HasPrefix(next, ":")) {
				ct.ImageWhy = "the image " + ct.Image + ", whose registry is " + u.why
			}
		}
		if lc, ok := cd["LogConfiguration"].(map[string]any); ok {
			ct.LogDriver = pullpath.Show(lc["LogDriver"])
			opts, _ := lc["Options"].(map[string]any)
			ct.LogGroup = pullpath.Show(opts["awslogs-group"])
			if opts["awslogs-region"] != nil {
				ct.LogRegion = pullpath.Show(opts["awslogs-region"])
			}
		}
		secrets, _ := cd["Secrets"].([]any)
		for _, s := range secrets {
			sm, _ := s.(map[string]any)
			ct.Secrets = append(ct.Secrets, c.secret(sm["ValueFrom"]))
		}
		if rc, ok := cd["RepositoryCredentials"].(map[string]any); ok {
			ct.Secrets = append(ct.Secrets, c.secret(rc["CredentialsParameter"]))
		}
		x.Containers = append(x.Containers, ct)
	}
}

// secret says which store a secret's valueFrom reads.
func (c *cfnCtx) secret(v any) pullpath.Secret {
	s := pullpath.Secret{From: pullpath.Show(v)}
	types := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case ref:
			types[x.c.tpl.Resources[x.id].Type] = true
		case concat:
			for _, p := range x {
				walk(p)
			}
		}
	}
	walk(v)
	s.Store = pullpath.SecretStore(s.From)
	switch {
	case types["AWS::SecretsManager::Secret"]:
		s.Store = "secretsmanager"
	case types["AWS::SSM::Parameter"]:
		s.Store = "ssm"
	}
	if _, ok := v.(unknown); ok {
		s.Store = ""
	}
	return s
}

func (c *cfnCtx) fillRole(id string, x *pullpath.Role) {
	v := c.resolve(c.tpl.Resources[id].Properties)
	p, ok := v.(map[string]any)
	if !ok {
		x.PoliciesWhy = "the properties of " + id + " are " + pullpath.WhyOf(v)
		return
	}
	switch pols := p["Policies"].(type) {
	case nil:
	case []any:
		for _, e := range pols {
			pm, _ := e.(map[string]any)
			x.Policies = append(x.Policies, policyOf(id+" "+pullpath.Show(pm["PolicyName"]), pm["PolicyDocument"]))
		}
	default:
		x.PoliciesWhy = "the inline policies of " + id + " are " + pullpath.WhyOf(pols)
	}
	switch arns := p["ManagedPolicyArns"].(type) {
	case nil:
	case []any:
		for _, a := range arns {
			if n, ok := c.node(a).(*pullpath.Policy); ok {
				x.Policies = append(x.Policies, n)
				continue
			}
			if r, ok := a.(ref); ok && r.c.tpl.Resources[r.id].Type == "AWS::IAM::ManagedPolicy" {
				continue // attached by attachPolicy
			}
			if pol := pullpath.ManagedPolicy(pullpath.Show(a)); pol != nil {
				x.Policies = append(x.Policies, pol)
			} else if x.PoliciesWhy == "" {
				x.PoliciesWhy = "the managed policy " + pullpath.Show(a)
			}
		}
	default:
		x.PoliciesWhy = "the managed policies of " + id + " are " + pullpath.WhyOf(arns)
	}
}

// attachPolicy adds a policy resource's document to the roles it names.
func (c *cfnCtx) attachPolicy(id, typ string) {
	pol := policyOf(id, c.prop(id, "PolicyDocument"))
	var targets []any
	if typ == "AWS::IAM::RolePolicy" {
		targets = []any{c.prop(id, "RoleName")}
	} else if list, ok := c.prop(id, "Roles").([]any); ok {
		targets = list
	}
	if typ == "AWS::IAM::ManagedPolicy" {
		// roles that list it in ManagedPolicyArns
		for _, c2 := range c.set.ctxs {
			for rid, r := range c2.tpl.Resources {
				if r.Type != "AWS::IAM::Role" {
					continue
				}
				arns, _ := c2.prop(rid, "ManagedPolicyArns").([]any)
				for _, a := range arns {
					if rr, ok := a.(ref); ok && rr.c == c && rr.id == id {
						targets = append(targets, ref{c: c2, id: rid})
					}
				}
			}
		}
	}
	for _, t := range targets {
		role := c.roleNamed(t)
		if role != nil {
			role.Policies = append(role.Policies, pol)
		}
	}
}

// roleNamed finds the role v names: a reference, or its literal RoleName.
func (c *cfnCtx) roleNamed(v any) *pullpath.Role {
	if r, ok := c.node(v).(*pullpath.Role); ok {
		return r
	}
	name, ok := v.(string)
	if !ok {
		return nil
	}
	for id, r := range c.tpl.Resources {
		if r.Type == "AWS::IAM::Role" && pullpath.Show(c.prop(id, "RoleName")) == name {
			role, _ := c.nodes[id].(*pullpath.Role)
			return role
		}
	}
	return nil
}
