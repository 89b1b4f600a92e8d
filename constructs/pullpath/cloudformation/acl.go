package cloudformation

import (
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// defaultACL is the default network ACL of a VPC the template creates:
// rule 100 allows all traffic in and out until entries are added to it
// (through !GetAtt VPC.DefaultNetworkAcl).
func (c *cfnCtx) defaultACL(v *pullpath.VPC) {
	a := &pullpath.NetworkACL{Node: pullpath.Node{In: c.in, ID: v.ID + " (default network ACL)", File: v.File, Line: v.Line}, VPC: v, Default: true, Entries: pullpath.ACLAllowAll()}
	v.DefaultACL = a
	c.set.m.NetworkACLs = append(c.set.m.NetworkACLs, a)
}

// acl returns the network ACL v refers to: an AWS::EC2::NetworkAcl of the
// set or a VPC's default ACL; nil, with why, when the set cannot show it.
func (c *cfnCtx) acl(v any) (*pullpath.NetworkACL, string) {
	switch x := c.node(v).(type) {
	case *pullpath.NetworkACL:
		return x, ""
	case *pullpath.VPC:
		if r, _ := v.(ref); r.attr == "DefaultNetworkAcl" && x.DefaultACL != nil {
			return x.DefaultACL, ""
		}
	}
	return nil, "the network ACL " + pullpath.WhyOf(v)
}

// fillACL attaches entries and associations to their ACLs and subnets.
func (c *cfnCtx) fillACL(id, typ string) {
	switch typ {
	case "AWS::EC2::NetworkAcl":
		a := c.nodes[id].(*pullpath.NetworkACL)
		a.VPC = c.vpc(c.prop(id, "VpcId"))
	case "AWS::EC2::NetworkAclEntry":
		a, _ := c.acl(c.prop(id, "NetworkAclId"))
		if a == nil {
			return // an entry of an ACL the set does not hold
		}
		p, _ := c.resolve(c.tpl.Resources[id].Properties).(map[string]any)
		e := pullpath.ACLEntry{ID: id}
		var whys []string
		if n, ok := number(p["RuleNumber"]); ok {
			e.Number = n
		} else {
			whys = append(whys, "its RuleNumber is "+pullpath.WhyOf(p["RuleNumber"]))
		}
		switch t := triValue(p["Egress"], pullpath.No); t {
		case pullpath.Unknown:
			whys = append(whys, "its Egress is "+pullpath.WhyOf(p["Egress"]))
		default:
			e.Egress = t == pullpath.Yes
		}
		switch act, _ := p["RuleAction"].(string); strings.ToLower(act) {
		case "allow":
			e.Allow = true
		case "deny":
		default:
			whys = append(whys, "its RuleAction is "+pullpath.WhyOf(p["RuleAction"]))
		}
		switch proto := p["Protocol"].(type) {
		case float64, string:
			e.Proto = pullpath.Protocol(pullpath.Show(proto))
		}
		e.PortsKnown = true
		if e.Proto == "tcp" {
			pr, _ := p["PortRange"].(map[string]any)
			from, ok1 := number(pr["From"])
			to, ok2 := number(pr["To"])
			e.From, e.To, e.PortsKnown = from, to, ok1 && ok2
		} else {
			e.To = 65535
		}
		switch {
		case p["Ipv6CidrBlock"] != nil:
			e.IPv6 = true
		default:
			e.CIDR = c.cidrOf(p["CidrBlock"])
		}
		if why := c.maybe[id]; why != "" {
			e.ExistsWhy = "entry " + id + ": " + why
		}
		if len(whys) > 0 {
			e.Why = "entry " + id + ": " + strings.Join(whys, ", ")
		}
		a.Entries = append(a.Entries, e)
	case "AWS::EC2::SubnetNetworkAclAssociation":
		sn, ok := c.node(c.prop(id, "SubnetId")).(*pullpath.Subnet)
		if !ok {
			return
		}
		sn.ACLAssociated = true
		a, why := c.acl(c.prop(id, "NetworkAclId"))
		switch {
		case c.maybe[id] != "":
			sn.NetworkACL, sn.NetworkACLWhy = nil, "association "+id+" of subnet "+sn.ID+": "+c.maybe[id]
		case a != nil:
			sn.NetworkACL = a
		default:
			sn.NetworkACLWhy = why
		}
	}
}
