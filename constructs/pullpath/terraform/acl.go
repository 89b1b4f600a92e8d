package terraform

import (
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// acl resolves a network ACL id: an aws_network_acl, an
// aws_default_network_acl, or a VPC's default_network_acl_id.
func (mp *tfMapper) acl(s string) (*pullpath.NetworkACL, string) {
	in, attr, ext := mp.ref(s)
	if in != nil {
		switch n := mp.nodes[in.addr].(type) {
		case *pullpath.NetworkACL:
			return n, ""
		case *pullpath.VPC:
			if attr == "default_network_acl_id" && n.DefaultACL != nil {
				return n.DefaultACL, ""
			}
		}
		if ext == "" {
			ext = mp.r.symPhrase(s)
		}
	}
	if ext == "" {
		ext = "an unknown value"
	}
	return nil, "the network ACL " + ext
}

// fillACLs reads network ACLs, their rules and their subnets. A VPC's
// default ACL allows all unless an aws_default_network_acl adopts it, which
// keeps only the rules it lists: with none, it denies everything.
func (mp *tfMapper) fillACLs() {
	r := mp.r
	for _, in := range mp.of("aws_default_network_acl") {
		a := mp.nodes[in.addr].(*pullpath.NetworkACL)
		a.Default = true
		s, _ := mp.str(in, "default_network_acl_id")
		if x, _, _ := mp.ref(s); x != nil {
			if v, ok := mp.nodes[x.addr].(*pullpath.VPC); ok {
				a.VPC = v
				if v.DefaultACL == nil {
					v.DefaultACL = a
				}
			}
		}
	}
	for _, v := range mp.m.VPCs {
		if v.Ext != "" || v.DefaultACL != nil {
			continue
		}
		a := &pullpath.NetworkACL{Node: pullpath.Node{In: mp.in, ID: v.ID + " (default network ACL)", File: v.File, Line: v.Line}, VPC: v, Default: true, Entries: pullpath.ACLAllowAll()}
		for _, in := range mp.insts {
			if in.addr == v.ID && in.res.typ == "aws_default_vpc" {
				a.EntriesWhy = "the entries of the default VPC's default network ACL are not in the configuration"
			}
		}
		v.DefaultACL = a
		mp.m.NetworkACLs = append(mp.m.NetworkACLs, a)
	}
	for _, in := range mp.insts {
		if in.res.data || (in.res.typ != "aws_network_acl" && in.res.typ != "aws_default_network_acl") {
			continue
		}
		a := mp.nodes[in.addr].(*pullpath.NetworkACL)
		if in.res.typ == "aws_network_acl" {
			s, _ := mp.str(in, "vpc_id")
			a.VPC = mp.vpc(s)
		}
		for _, dir := range []string{"ingress", "egress"} {
			items, why := r.nested(r.item(in), dir)
			if why != "" && a.EntriesWhy == "" {
				a.EntriesWhy = in.addr + ": its " + dir + " rules are unknown (" + why + ")"
			}
			for _, it := range items {
				e := mp.aclEntry(it, "rule_no", "action", "")
				e.Egress = dir == "egress"
				a.Entries = append(a.Entries, e)
			}
		}
		if r.has(r.item(in), "subnet_ids") {
			ids, why := tfStrList(r.get(r.item(in), "subnet_ids"))
			if why != "" {
				for _, n := range mp.staticRefs(in, "subnet_ids", "aws_subnet") {
					sn := n.(*pullpath.Subnet)
					sn.ACLAssociated, sn.NetworkACL, sn.NetworkACLWhy = true, nil, in.addr+": its subnet_ids are unknown ("+why+")"
				}
			}
			for _, id := range ids {
				mp.associateACL(id, a, "", in.sc.countWhy, in.addr)
			}
		}
	}
	for _, in := range mp.of("aws_network_acl_rule") {
		s, why := mp.str(in, "network_acl_id")
		a, _ := mp.acl(s)
		if a == nil {
			if why != "" {
				for _, n := range mp.staticRefs(in, "network_acl_id", "aws_network_acl") {
					x := n.(*pullpath.NetworkACL)
					if x.EntriesWhy == "" {
						x.EntriesWhy = in.addr + ": its network_acl_id is unknown (" + why + ")"
					}
				}
			}
			continue
		}
		e := mp.aclEntry(r.item(in), "rule_number", "rule_action", in.addr)
		switch tfBool(r.get(r.item(in), "egress"), pullpath.No) {
		case pullpath.Yes:
			e.Egress = true
		case pullpath.Unknown:
			e.Why = in.addr + ": its egress is unknown"
		}
		if w := in.sc.countWhy; w != "" {
			e.ExistsWhy = in.addr + " may exist zero or many times (" + w + ")"
		}
		a.Entries = append(a.Entries, e)
	}
	for _, in := range mp.of("aws_network_acl_association") {
		ss, _ := mp.str(in, "subnet_id")
		as, _ := mp.str(in, "network_acl_id")
		a, why := mp.acl(as)
		mp.associateACL(ss, a, why, in.sc.countWhy, in.addr)
	}
}

// associateACL puts subnet id s in ACL a (nil: the ACL why says is unknown).
func (mp *tfMapper) associateACL(s string, a *pullpath.NetworkACL, why, countWhy, by string) {
	x, _, _ := mp.ref(s)
	if x == nil {
		return
	}
	sn, ok := mp.nodes[x.addr].(*pullpath.Subnet)
	if !ok {
		return
	}
	sn.ACLAssociated = true
	switch {
	case countWhy != "":
		sn.NetworkACL, sn.NetworkACLWhy = nil, by+" may exist zero or many times ("+countWhy+")"
	case a != nil:
		sn.NetworkACL, sn.NetworkACLWhy = a, ""
	default:
		sn.NetworkACL, sn.NetworkACLWhy = nil, why
	}
}

// aclEntry reads one ACL rule: an ingress/egress block or an
// aws_network_acl_rule (whose attribute names differ).
func (mp *tfMapper) aclEntry(it tfItem, number, action, id string) pullpath.ACLEntry {
	r := mp.r
	e := pullpath.ACLEntry{ID: id}
	var whys []string
	if n, ok := tfInt(r.get(it, number)); ok {
		e.Number = n
	} else {
		whys = append(whys, "its "+number+" is unknown")
	}
	switch act, _ := tfStr(r.get(it, action)); strings.ToLower(act) {
	case "allow":
		e.Allow = true
	case "deny":
	default:
		whys = append(whys, "its "+action+" is unknown")
	}
	if ps, why := tfStr(r.get(it, "protocol")); why == "" && ps != "" {
		e.Proto = pullpath.Protocol(ps)
	}
	e.PortsKnown = true
	if e.Proto == "tcp" {
		from, ok1 := tfInt(r.get(it, "from_port"))
		to, ok2 := tfInt(r.get(it, "to_port"))
		e.From, e.To, e.PortsKnown = from, to, ok1 && ok2
	} else {
		e.To = 65535
	}
	if r.has(it, "ipv6_cidr_block") {
		if s, _ := tfStr(r.get(it, "ipv6_cidr_block")); s != "" {
			e.IPv6 = true
		}
	}
	if !e.IPv6 {
		s, _ := tfStr(r.get(it, "cidr_block"))
		e.CIDR = tfCIDR(s)
	}
	if len(whys) > 0 {
		e.Why = "a rule of the ACL: " + strings.Join(whys, ", ")
		if id != "" {
			e.Why = id + ": " + strings.Join(whys, ", ")
		}
	}
	return e
}
