package cloudformation

import (
	"github.com/privatepull/privatepull/constructs/pullpath"

	"sort"
	"strings"
)

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
		s.m.S3PrefixLists = append(s.m.S3PrefixLists, templateS3Lists(c.tpl.Metadata)...)
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
		c.defaultACL(v)
		m.VPCs = append(m.VPCs, v)
		m.RouteTables = append(m.RouteTables, main)
		c.nodes[id] = v
	case "AWS::EC2::Subnet":
		c.nodes[id] = pullpath.Add(&m.Subnets, &pullpath.Subnet{Node: n})
	case "AWS::EC2::RouteTable":
		c.nodes[id] = pullpath.Add(&m.RouteTables, &pullpath.RouteTable{Node: n})
	case "AWS::EC2::NetworkAcl":
		c.nodes[id] = pullpath.Add(&m.NetworkACLs, &pullpath.NetworkACL{Node: n})
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
			if c.outsideSubnetAssociation(id) {
				continue
			}
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
				rule.S3List = markedS3(r.Metadata)
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
		case "AWS::EC2::NetworkAcl", "AWS::EC2::NetworkAclEntry", "AWS::EC2::SubnetNetworkAclAssociation":
			c.fillACL(id, r.Type)
		case "AWS::EC2::VPCDHCPOptionsAssociation":
			c.dhcpOptions(id)
		case "AWS::ECS::ClusterCapacityProviderAssociations":
			if cl, ok := c.node(c.prop(id, "Cluster")).(*pullpath.Cluster); ok {
				cl.Strategy, cl.StrategyWhy = strategy(c.prop(id, "DefaultCapacityProviderStrategy"))
			}
		}
	}
	// launchers other than services, once subnets know their VPCs
	for _, id := range ids {
		c.launchers(id, c.tpl.Resources[id])
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
