package cloudformation

import (
	"github.com/privatepull/privatepull/constructs/pullpath"
	"path/filepath"

	"slices"
	"sort"
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

// build turns the templates into model nodes: first one node per resource,
// then their fields, so that references across templates resolve.
func (s *cfnSet) build() {
	for _, c := range s.ctxs {
		c.conditional()
	}
	s.indexExports()
	for _, c := range s.ctxs {
		ids := make([]string, 0, len(c.tpl.Resources))
		for id := range c.tpl.Resources {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			c.create(id, c.tpl.Resources[id])
		}
	}
	for _, c := range s.ctxs {
		c.fill()
	}
	for _, c := range s.ctxs {
		for _, o := range c.tpl.Outputs {
			om, _ := o.(map[string]any)
			if om["Export"] == nil {
				continue
			}
			if r, ok := c.resolve(om["Value"]).(ref); ok {
				if rt, ok := r.c.nodes[r.id].(*pullpath.RouteTable); ok {
					rt.Exported = true
				}
			}
		}
	}
}

// conditional drops the resources whose Condition is false and records
// those whose Condition the set cannot decide: they may not exist.
func (c *cfnCtx) conditional() {
	for id, r := range c.tpl.Resources {
		if r.Condition == "" {
			continue
		}
		switch c.condition(r.Condition, 0) {
		case pullpath.No:
			delete(c.tpl.Resources, id)
		case pullpath.Unknown:
			if c.maybe == nil {
				c.maybe = map[string]string{}
			}
			c.maybe[id] = "it exists only if the condition " + r.Condition + " holds"
		}
	}
}

func (c *cfnCtx) nodeBase(id string) pullpath.Node {
	n := pullpath.Node{In: c.in, ID: id, File: c.file, Line: c.tpl.lines[id], CountWhy: c.maybe[id]}
	n.Acks = metadataAcks(c.tpl.Resources[id].Metadata)
	for rule, why := range c.acks[id] {
		if n.Acks == nil {
			n.Acks = map[string]string{}
		}
		n.Acks[rule] = why
	}
	return n
}

// metadataAcks reads a hand-written acknowledgement:
//
//	Metadata: {"privatepull": {"acknowledge": [{"id": RULE, "reason": WHY}]}}
func metadataAcks(md map[string]any) map[string]string {
	pp, _ := md["privatepull"].(map[string]any)
	list, _ := pp["acknowledge"].([]any)
	var acks map[string]string
	for _, x := range list {
		e, _ := x.(map[string]any)
		id, _ := e["id"].(string)
		reason, _ := e["reason"].(string)
		if id != "" {
			if acks == nil {
				acks = map[string]string{}
			}
			acks[id] = reason
		}
	}
	return acks
}

// create makes the node of one resource.
func (c *cfnCtx) create(id string, r *resource) {
	m := c.set.m
	n := c.nodeBase(id)
	switch r.Type {
	case "AWS::EC2::VPC":
		v := &pullpath.VPC{Node: n}
		main := &pullpath.RouteTable{Node: pullpath.Node{In: c.in, ID: id + " (main route table)", File: c.file, Line: n.Line}, VPC: v, Main: true}
		v.MainRouteTable = main
		m.VPCs = append(m.VPCs, v)
		m.RouteTables = append(m.RouteTables, main)
		c.nodes[id] = v
	case "AWS::EC2::Subnet":
		c.nodes[id] = pullpath.Add(&m.Subnets, &pullpath.Subnet{Node: n})
	case "AWS::EC2::RouteTable":
		c.nodes[id] = pullpath.Add(&m.RouteTables, &pullpath.RouteTable{Node: n})
	case "AWS::EC2::VPCEndpoint":
		c.nodes[id] = pullpath.Add(&m.Endpoints, &pullpath.Endpoint{Node: n})
	case "AWS::EC2::SecurityGroup":
		c.nodes[id] = pullpath.Add(&m.Groups, &pullpath.Group{Node: n, DefaultEgress: true})
	case "AWS::ECS::Service":
		c.nodes[id] = pullpath.Add(&m.Services, &pullpath.Service{Node: n})
	case "AWS::ECS::Cluster":
		c.nodes[id] = pullpath.Add(&m.Clusters, &pullpath.Cluster{Node: n})
	case "AWS::ECS::TaskDefinition":
		c.nodes[id] = pullpath.Add(&m.TaskDefs, &pullpath.TaskDef{Node: n})
	case "AWS::IAM::Role":
		c.nodes[id] = pullpath.Add(&m.Roles, &pullpath.Role{Node: n})
	case "AWS::ECR::PullThroughCacheRule":
		c.nodes[id] = pullpath.Add(&m.Caches, &pullpath.CacheRule{Node: n})
	}
}

// add appends x to list and returns it.
// prop resolves property key of resource id.
func (c *cfnCtx) prop(id, key string) any {
	return c.resolve(c.tpl.Resources[id].Properties[key])
}

// fill sets the fields of the template's nodes, and attaches standalone
// rules, routes, associations and policies to them.
func (c *cfnCtx) fill() {
	ids := make([]string, 0, len(c.tpl.Resources))
	for id := range c.tpl.Resources {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		r := c.tpl.Resources[id]
		switch x := c.nodes[id].(type) {
		case *pullpath.VPC:
			x.DNSSupport = c.boolProp(id, "EnableDnsSupport", pullpath.Yes)
			x.DNSHostnames = c.boolProp(id, "EnableDnsHostnames", pullpath.No)
			x.CIDRs = append([]pullpath.CIDR{c.cidrOf(c.getAtt(id, "CidrBlock", 0))}, x.CIDRs...)
		case *pullpath.Subnet:
			x.VPC = c.vpc(c.prop(id, "VpcId"))
			x.CIDR = c.cidrOf(c.prop(id, "CidrBlock"))
		case *pullpath.RouteTable:
			x.VPC = c.vpc(c.prop(id, "VpcId"))
		case *pullpath.Endpoint:
			c.fillEndpoint(id, x)
		case *pullpath.Group:
			x.VPC = c.vpc(c.prop(id, "VpcId"))
			// standalone rules may have been attached already
			egress, why := c.inlineRules(c.prop(id, "SecurityGroupEgress"), true)
			x.Egress, x.EgressWhy = append(egress, x.Egress...), why
			ingress, why := c.inlineRules(c.prop(id, "SecurityGroupIngress"), false)
			x.Ingress, x.IngressWhy = append(ingress, x.Ingress...), why
		case *pullpath.Service:
			c.fillService(id, x)
		case *pullpath.Cluster:
			if st, why := strategy(c.prop(id, "DefaultCapacityProviderStrategy")); st != nil || why != "" {
				x.Strategy, x.StrategyWhy = st, why
			}
		case *pullpath.TaskDef:
			c.fillTask(id, x)
		case *pullpath.Role:
			c.fillRole(id, x)
		case *pullpath.CacheRule:
			p := c.prop(id, "EcrRepositoryPrefix")
			if s, ok := p.(string); ok {
				x.Prefix = s
			} else if p == nil {
				x.Prefix = "ROOT"
			}
			x.Upstream = pullpath.Show(c.prop(id, "UpstreamRegistryUrl"))
		}
		switch r.Type {
		case "AWS::EC2::VPCCidrBlock":
			if v, ok := c.node(c.prop(id, "VpcId")).(*pullpath.VPC); ok {
				if _, isV6 := r.Properties["CidrBlock"]; isV6 || r.Properties["Ipv6CidrBlock"] == nil && r.Properties["AmazonProvidedIpv6CidrBlock"] == nil && r.Properties["Ipv6IpamPoolId"] == nil {
					v.CIDRs = append(v.CIDRs, c.cidrOf(c.prop(id, "CidrBlock")))
				}
			}
		case "AWS::EC2::SubnetRouteTableAssociation":
			if sn, ok := c.node(c.prop(id, "SubnetId")).(*pullpath.Subnet); ok {
				sn.Associated = true
				rtv := c.prop(id, "RouteTableId")
				if why := c.maybe[id]; why != "" {
					sn.RouteTableWhy = "association " + id + " of subnet " + sn.ID + ": " + why
				} else if rt, ok := c.node(rtv).(*pullpath.RouteTable); ok {
					sn.RouteTable = rt
				} else {
					sn.RouteTableWhy = "the route table of subnet " + sn.ID + " is " + pullpath.WhyOf(rtv)
				}
			}
		case "AWS::EC2::Route":
			if rt, ok := c.node(c.prop(id, "RouteTableId")).(*pullpath.RouteTable); ok {
				if route, ok := c.route(id); ok {
					if why := c.maybe[id]; why != "" {
						rt.RoutesWhy = "route " + id + " of " + rt.ID + ": " + why
					} else {
						rt.Routes = append(rt.Routes, route)
					}
				}
			}
		case "AWS::EC2::SecurityGroupEgress", "AWS::EC2::SecurityGroupIngress":
			egress := r.Type == "AWS::EC2::SecurityGroupEgress"
			if g := c.group(c.prop(id, "GroupId")); g != nil {
				rule := c.rule(c.resolve(r.Properties), egress)
				rule.ID = id
				if why := c.maybe[id]; why != "" {
					rule.PeerWhy = "rule " + id + ": " + why
				}
				if egress {
					g.Egress = append(g.Egress, rule)
				} else {
					g.Ingress = append(g.Ingress, rule)
				}
			}
		case "AWS::IAM::Policy", "AWS::IAM::ManagedPolicy", "AWS::IAM::RolePolicy":
			c.attachPolicy(id, r.Type)
		case "AWS::ECS::ClusterCapacityProviderAssociations":
			if cl, ok := c.node(c.prop(id, "Cluster")).(*pullpath.Cluster); ok {
				cl.Strategy, cl.StrategyWhy = strategy(c.prop(id, "DefaultCapacityProviderStrategy"))
			}
		}
	}
}

// node returns the model node a resolved value refers to, or nil.
func (c *cfnCtx) node(v any) any {
	if r, ok := v.(ref); ok {
		return r.c.nodes[r.id]
	}
	return nil
}

// extKey is the key of an external node: one per parameter, import or
// literal id, so that two mentions of one are one node.
func extKey(v any) (key, why string) {
	switch x := v.(type) {
	case string:
		return "id:" + x, x
	case unknown:
		if x.sym != "" {
			return "sym:" + x.sym, x.why
		}
		return "", x.why
	case ref:
		return "", "the resource " + x.id + ", which is not of the expected type"
	}
	return "", pullpath.WhyOf(v)
}

func (c *cfnCtx) extNode(kind string, v any, make func(pullpath.Node) any) any {
	key, why := extKey(v)
	n := pullpath.Node{In: c.in, ID: why, Ext: why}
	if key == "" {
		return make(n)
	}
	key = kind + "|" + c.in.Env() + "|" + key
	if x, ok := c.set.ext[key]; ok {
		return x
	}
	x := make(n)
	c.set.ext[key] = x
	return x
}

// vpc returns the VPC v refers to, an external one when it is not in the set.
func (c *cfnCtx) vpc(v any) *pullpath.VPC {
	if x, ok := c.node(v).(*pullpath.VPC); ok {
		return x
	}
	return c.extNode("vpc", v, func(n pullpath.Node) any { return &pullpath.VPC{Node: n} }).(*pullpath.VPC)
}

func (c *cfnCtx) group(v any) *pullpath.Group {
	if x, ok := c.node(v).(*pullpath.Group); ok {
		return x
	}
	if v == nil {
		return nil
	}
	return c.extNode("group", v, func(n pullpath.Node) any {
		return &pullpath.Group{Node: n, EgressWhy: "the rules of " + n.Ext, IngressWhy: "the rules of " + n.Ext}
	}).(*pullpath.Group)
}

func (c *cfnCtx) subnet(v any) *pullpath.Subnet {
	if x, ok := c.node(v).(*pullpath.Subnet); ok {
		return x
	}
	return c.extNode("subnet", v, func(n pullpath.Node) any {
		return &pullpath.Subnet{Node: n, RouteTableWhy: "the route table of " + n.Ext}
	}).(*pullpath.Subnet)
}

func (c *cfnCtx) routeTable(v any) *pullpath.RouteTable {
	if x, ok := c.node(v).(*pullpath.RouteTable); ok {
		return x
	}
	return c.extNode("rt", v, func(n pullpath.Node) any { return &pullpath.RouteTable{Node: n, RoutesWhy: "the routes of " + n.Ext} }).(*pullpath.RouteTable)
}

func (c *cfnCtx) boolProp(id, key string, def pullpath.Tri) pullpath.Tri {
	v, ok := c.tpl.Resources[id].Properties[key]
	if !ok {
		return def
	}
	return triValue(c.resolve(v), def)
}

func triValue(v any, def pullpath.Tri) pullpath.Tri {
	switch x := v.(type) {
	case nil, noValue:
		return def
	case bool:
		return pullpath.TriOf(x)
	case string:
		switch strings.ToLower(x) {
		case "true":
			return pullpath.Yes
		case "false":
			return pullpath.No
		}
	}
	return pullpath.Unknown
}

// cidrOf reads a block: a literal, or a symbol (a parameter, an attribute).
func (c *cfnCtx) cidrOf(v any) pullpath.CIDR {
	switch x := v.(type) {
	case string:
		return pullpath.ParseCIDR(x)
	case unknown:
		if strings.HasPrefix(x.sym, "in:") {
			return pullpath.CIDR{In: strings.TrimPrefix(x.sym, "in:")}
		}
		return pullpath.CIDR{Sym: x.sym}
	}
	return pullpath.CIDR{}
}

func (c *cfnCtx) fillEndpoint(id string, x *pullpath.Endpoint) {
	x.VPC = c.vpc(c.prop(id, "VpcId"))
	x.ServiceName = pullpath.Show(c.prop(id, "ServiceName"))
	x.Service = pullpath.ServiceShortName(x.ServiceName)
	switch t := c.prop(id, "VpcEndpointType").(type) {
	case nil, noValue:
		x.Type = "Gateway"
	case string:
		x.Type = t
	}
	x.PrivateDNS = c.boolProp(id, "PrivateDnsEnabled", pullpath.No)
	if x.Type != "Gateway" {
		groups := c.prop(id, "SecurityGroupIds")
		if groups == nil {
			x.Groups = []*pullpath.Group{c.defaultGroup(x.VPC)}
		} else if list, ok := groups.([]any); ok {
			for _, g := range list {
				x.Groups = append(x.Groups, c.group(g))
			}
		} else {
			x.GroupsWhy = "the security groups of endpoint " + id + " are " + pullpath.WhyOf(groups)
		}
		subnets := c.prop(id, "SubnetIds")
		if list, ok := subnets.([]any); ok {
			for _, sn := range list {
				x.Subnets = append(x.Subnets, c.subnet(sn))
			}
		} else {
			x.SubnetsWhy = "the subnets of endpoint " + id + " are " + pullpath.WhyOf(subnets)
		}
	}
	rts := c.prop(id, "RouteTableIds")
	if list, ok := rts.([]any); ok {
		for _, rt := range list {
			t := c.routeTable(rt)
			x.RouteTables = append(x.RouteTables, t)
			if t.Ext != "" && x.RouteTablesWhy == "" {
				x.RouteTablesWhy = "route table " + t.Ext
			}
		}
	} else if rts != nil {
		x.RouteTablesWhy = "the route tables of endpoint " + id + " are " + pullpath.WhyOf(rts)
	}
	if doc, ok := c.tpl.Resources[id].Properties["PolicyDocument"]; ok {
		x.Policy = policyOf(id, c.resolve(doc))
	}
}

// defaultGroup is the VPC's default security group, which the template
// cannot show.
func (c *cfnCtx) defaultGroup(v *pullpath.VPC) *pullpath.Group {
	return c.extNode("group", unknown{sym: "default-sg:" + v.ID, why: "the default security group of VPC " + v.Name()}, func(n pullpath.Node) any {
		return &pullpath.Group{Node: n, EgressWhy: "the rules of " + n.Ext, IngressWhy: "the rules of " + n.Ext}
	}).(*pullpath.Group)
}

// inlineRules reads a group's inline rules.
func (c *cfnCtx) inlineRules(v any, egress bool) ([]*pullpath.Rule, string) {
	if v == nil {
		return nil, ""
	}
	list, ok := v.([]any)
	if !ok {
		return nil, "the inline rules are " + pullpath.WhyOf(v)
	}
	var rules []*pullpath.Rule
	why := ""
	for _, e := range list {
		if _, ok := e.(map[string]any); !ok {
			why = "an inline rule is " + pullpath.WhyOf(e)
			continue
		}
		rules = append(rules, c.rule(e, egress))
	}
	return rules, why
}

// rule reads one rule from its resolved properties.
func (c *cfnCtx) rule(v any, egress bool) *pullpath.Rule {
	p, _ := v.(map[string]any)
	r := &pullpath.Rule{}
	switch proto := p["IpProtocol"].(type) {
	case string:
		r.Proto = strings.ToLower(proto)
	case float64:
		r.Proto = pullpath.Show(proto)
	}
	switch r.Proto {
	case "6":
		r.Proto = "tcp"
	case "-1", "all":
		r.Proto = "-1"
	}
	from, ok1 := number(p["FromPort"])
	to, ok2 := number(p["ToPort"])
	_, hasFrom := p["FromPort"]
	_, hasTo := p["ToPort"]
	r.From, r.To = from, to
	r.PortsKnown = (ok1 || !hasFrom) && (ok2 || !hasTo)
	if !hasFrom {
		r.From = 0
	}
	if !hasTo {
		r.To = 65535
	}
	if r.To == -1 {
		r.To = 65535
	}
	if r.From == -1 {
		r.From = 0
	}
	peerKeys := []string{"SourceSecurityGroupId", "SourcePrefixListId", "SourceSecurityGroupName"}
	if egress {
		peerKeys = []string{"DestinationSecurityGroupId", "DestinationPrefixListId"}
	}
	switch {
	case p["CidrIp"] != nil:
		r.CIDR = c.cidrOf(p["CidrIp"])
		if !r.CIDR.Known() && !r.CIDR.P.IsValid() && r.CIDR.In == "" {
			r.PeerWhy = "the block " + pullpath.Show(p["CidrIp"])
		}
	case p["CidrIpv6"] != nil:
		r.IPv6 = true
	case p[peerKeys[0]] != nil:
		r.Group = c.group(p[peerKeys[0]])
	case p[peerKeys[1]] != nil:
		r.PrefixList = pullpath.Show(p[peerKeys[1]])
		if r.PrefixList == "" {
			r.PeerWhy = "the prefix list " + pullpath.WhyOf(p[peerKeys[1]])
		}
	default:
		r.PeerWhy = "a peer the set cannot show"
	}
	return r
}

func (c *cfnCtx) route(id string) (pullpath.Route, bool) {
	p, _ := c.resolve(c.tpl.Resources[id].Properties).(map[string]any)
	if p["DestinationIpv6CidrBlock"] != nil || p["DestinationPrefixListId"] != nil {
		return pullpath.Route{}, false
	}
	rt := pullpath.Route{Dest: c.cidrOf(p["DestinationCidrBlock"]), Target: pullpath.TargetOther}
	switch {
	case p["NatGatewayId"] != nil:
		rt.Target, rt.TargetID = pullpath.TargetNAT, c.refName(p["NatGatewayId"])
		c.natOf(&rt, p["NatGatewayId"])
	case p["GatewayId"] != nil:
		g := p["GatewayId"]
		rt.TargetID = c.refName(g)
		if r, ok := g.(ref); ok && r.c.tpl.Resources[r.id].Type == "AWS::EC2::InternetGateway" {
			rt.Target = pullpath.TargetIGW
		} else if s, ok := g.(string); ok && strings.HasPrefix(s, "igw-") {
			rt.Target = pullpath.TargetIGW
		} else if r, ok := g.(ref); ok && r.c.tpl.Resources[r.id].Type == "AWS::EC2::NatGateway" {
			rt.Target = pullpath.TargetNAT
			c.natOf(&rt, g)
		} else if s, ok := g.(string); ok && strings.HasPrefix(s, "nat-") {
			rt.Target = pullpath.TargetNAT
		}
	default:
		for _, k := range []string{"TransitGatewayId", "VpcPeeringConnectionId", "NetworkInterfaceId", "InstanceId", "VpcEndpointId", "CarrierGatewayId", "LocalGatewayId", "CoreNetworkArn", "EgressOnlyInternetGatewayId"} {
			if p[k] != nil {
				rt.TargetID = k + " " + c.refName(p[k])
				break
			}
		}
	}
	return rt, true
}

// natOf reads the NAT gateway a route targets: a private one leads to no
// internet gateway (where it leads is unknown); a public one's subnet must.
func (c *cfnCtx) natOf(rt *pullpath.Route, v any) {
	r, ok := v.(ref)
	if !ok || r.c.tpl.Resources[r.id].Type != "AWS::EC2::NatGateway" {
		return
	}
	if pullpath.Show(r.c.prop(r.id, "ConnectivityType")) == "private" {
		rt.Target = pullpath.TargetOther
		return
	}
	rt.NATSubnet = r.c.subnet(r.c.prop(r.id, "SubnetId"))
}

// refName names what v refers to in messages.
func (c *cfnCtx) refName(v any) string {
	if r, ok := v.(ref); ok {
		return r.id
	}
	return pullpath.Show(v)
}

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
	if cl, ok := p["Cluster"]; ok {
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
	if n, ok := c.node(p["TaskDefinition"]).(*pullpath.TaskDef); ok {
		x.Task = n
	} else {
		x.TaskWhy = "the task definition is " + pullpath.WhyOf(p["TaskDefinition"])
	}
	x.PublicIP, x.Exec = pullpath.No, triValue(p["EnableExecuteCommand"], pullpath.No)
	netcfg, _ := p["NetworkConfiguration"].(map[string]any)
	cfg, ok := netcfg["AwsvpcConfiguration"].(map[string]any)
	if !ok {
		if netcfg != nil {
			x.Awsvpc, x.SubnetsWhy, x.GroupsWhy = true, "the network configuration is unreadable", "the network configuration is unreadable"
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
		}
	case []any:
		for _, g := range groups {
			x.Groups = append(x.Groups, c.group(g))
		}
	default:
		x.GroupsWhy = "the security groups are " + pullpath.WhyOf(groups)
	}
}

func (c *cfnCtx) fillTask(id string, x *pullpath.TaskDef) {
	v := c.resolve(c.tpl.Resources[id].Properties)
	p, ok := v.(map[string]any)
	if !ok {
		why := "the properties of " + id + " are " + pullpath.WhyOf(v)
		x.ContainersWhy, x.ExecRoleWhy, x.NetworkMode = why, why, "?"
		return
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
		}
		if lc, ok := cd["LogConfiguration"].(map[string]any); ok {
			ct.LogDriver = pullpath.Show(lc["LogDriver"])
			opts, _ := lc["Options"].(map[string]any)
			ct.LogGroup = pullpath.Show(opts["awslogs-group"])
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
