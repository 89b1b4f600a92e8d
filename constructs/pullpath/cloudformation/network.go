package cloudformation

import (
	"github.com/privatepull/privatepull/constructs/pullpath"

	"strings"
)

func (c *cfnCtx) fillEndpoint(id string, x *pullpath.Endpoint) {
	x.VPC = c.vpc(c.prop(id, "VpcId"))
	x.ServiceName = pullpath.Show(c.prop(id, "ServiceName"))
	x.Service = pullpath.ServiceShortName(x.ServiceName)
	if sr := c.prop(id, "ServiceRegion"); sr != nil {
		x.ServiceRegion = pullpath.Show(sr)
		if _, ok := sr.(string); !ok {
			x.ServiceRegion = "${" + pullpath.WhyOf(sr) + "}"
		}
	}
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
		return &pullpath.Group{Node: n, EgressWhy: "the rules of " + n.Ext, IngressWhy: "the rules of " + n.Ext, VPCDefault: true}
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
		c.prefixListPeer(r, p[peerKeys[1]])
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

// outsideSubnetAssociation reads an association of a route table of the
// set with a subnet from outside it (a parameter, an item of a list
// parameter, an import): the same value on both sides is the same subnet,
// so the table is that subnet's. It says whether it took the association.
func (c *cfnCtx) outsideSubnetAssociation(id string) bool {
	sv := c.prop(id, "SubnetId")
	if _, ok := c.node(sv).(*pullpath.Subnet); ok {
		return false
	}
	if key, _ := extKey(sv); key == "" {
		return false // nothing names the subnet: it cannot be matched
	}
	rt, ok := c.node(c.prop(id, "RouteTableId")).(*pullpath.RouteTable)
	if !ok {
		return false
	}
	sn := c.subnet(sv)
	if sn.Associated {
		return true
	}
	sn.Associated = true
	if why := c.maybe[id]; why != "" {
		sn.RouteTable, sn.RouteTableWhy = nil, "association "+id+" of subnet "+sn.Name()+": "+why
	} else {
		sn.RouteTable, sn.RouteTableWhy = rt, ""
	}
	// a subnet from outside is no subnet of the model: the table learns it here
	rt.Subnets = append(rt.Subnets, sn)
	return true
}
