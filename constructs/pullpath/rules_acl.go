package pullpath

import (
	"fmt"
	"strconv"
)

// aclLeg is one connection of the pull that crosses a subnet boundary:
// the peer and what fails when an ACL drops it.
type aclLeg struct {
	peer  aclPeer
	fails string
	fix   string // the block a fix allows
}

// networkACL is the rule that the network ACLs of the task subnets and of
// the endpoint subnets let the pull through, both ways: outbound tcp/443
// and the replies on the tasks' ephemeral ports. ACLs are stateless, apply
// on every route (a NAT does not help), do not filter traffic inside one
// subnet nor to the VPC's DNS resolver, and cannot name a prefix list.
func (j *judgement) networkACL() {
	s, v := j.s, j.vpc
	if v == nil || s.SubnetsWhy != "" {
		return
	}
	// the endpoints' interfaces, by subnet (nil: subnets the set cannot show)
	var at []*Subnet
	eps := map[*Subnet][]*Endpoint{}
	for _, e := range j.captures() {
		for _, sn := range places(e.Subnets, e.SubnetsWhy) {
			if eps[sn] == nil {
				at = append(at, sn)
			}
			eps[sn] = append(eps[sn], e)
		}
	}
	var legs []aclLeg
	for _, sn := range at {
		name := "the interfaces of endpoints " + names(eps[sn])
		block := "the endpoints' subnets"
		if sn != nil {
			name += " in subnet " + sn.Name() + " (" + sn.CIDR.String() + ")"
			block = sn.CIDR.String()
		}
		legs = append(legs, aclLeg{aclPeer{name: name, sn: sn, v: v},
			"the tasks cannot reach endpoints " + names(eps[sn]) + " and the pull or start fails (CannotPullContainerError / ResourceInitializationError: i/o timeout)", block})
	}
	if j.s3 != nil && j.s3.sure {
		legs = append(legs, aclLeg{aclPeer{name: "S3's address ranges (an ACL cannot name the S3 prefix list)", v: v, public: true},
			fmt.Sprintf("the image layers cannot download from S3 and the pull fails (CannotPullContainerError ... prod-%s-starport-layer-bucket ... i/o timeout)", j.regionOr()), "0.0.0.0/0 (S3's ranges)"})
	}
	if j.out == Yes && len(j.outs)+len(j.foreign) > 0 {
		legs = append(legs, aclLeg{aclPeer{name: "the internet (" + j.via + ")", v: v, public: true},
			"what goes out through " + j.via + " cannot leave and the pull or start fails", "0.0.0.0/0"})
	}
	if len(legs) == 0 {
		return
	}
	for _, t := range s.Subnets {
		acl := j.aclOf(t)
		if acl == nil {
			continue
		}
		for _, l := range legs {
			if l.peer.sn == t {
				continue // not filtered inside one subnet
			}
			j.aclCheck(acl, t, true, 443, 443, l, "the tasks run")
			j.aclCheck(acl, t, false, ephemeralFrom, ephemeralTo, l, "the tasks run")
		}
	}
	// the endpoint side: tcp/443 in from the tasks, replies out
	for _, e := range at {
		if e == nil {
			continue
		}
		acl := j.aclOf(e)
		if acl == nil {
			continue
		}
		who := "endpoints " + names(eps[e]) + " sit"
		for _, t := range s.Subnets {
			if t == e {
				continue
			}
			l := aclLeg{aclPeer{name: "ECS service " + s.ID + "'s tasks in subnet " + t.Name() + " (" + t.CIDR.String() + ")", sn: t, v: v},
				"endpoints " + names(eps[e]) + " never answer the tasks and the pull or start fails (i/o timeout)", t.CIDR.String()}
			j.aclCheck(acl, e, false, 443, 443, l, who)
			j.aclCheck(acl, e, true, ephemeralFrom, ephemeralTo, l, who)
		}
	}
}

// aclOf is the ACL of subnet sn, or nil when the set cannot show it
// (an unknown) or assumes it allows all (a VPC from outside the set).
func (j *judgement) aclOf(sn *Subnet) *NetworkACL {
	switch {
	case sn.NetworkACL != nil:
		return sn.NetworkACL
	case sn.NetworkACLWhy != "":
		j.unknown("network ACL of subnet "+sn.Name(), sn.NetworkACLWhy)
	case sn.Ext != "":
		j.assume("the network ACLs of the subnets from outside the set allow the pull")
	case sn.VPC != nil && sn.VPC.Ext != "":
		j.assume("the default network ACL of " + sn.VPC.Name() + " (a VPC from outside the set) allows all")
	default:
		j.assume("the network ACL of subnet " + sn.Name() + " allows the pull")
	}
	return nil
}

// aclCheck judges one direction of leg l through acl, the ACL of subnet at
// (where who sits): tcp ports lo..hi, out to the peer or in from it.
func (j *judgement) aclCheck(acl *NetworkACL, at *Subnet, egress bool, lo, hi int, l aclLeg, who string) {
	t, gaps := sum(acl.ports(egress, lo, hi, l.peer))
	if t == Yes {
		return
	}
	ports := strconv.Itoa(lo)
	what := "tcp/443"
	if hi != lo {
		ports += "-" + strconv.Itoa(hi)
		what = "tcp " + ports + " (the replies, to the tasks' ephemeral ports)"
	}
	dir, prep := "outbound", "to"
	if !egress {
		dir, prep = "inbound", "from"
	}
	if t == No && l.peer.sn == nil && !l.peer.public {
		t = Unknown // the peer may sit in the same subnet
	}
	piece := fmt.Sprintf("%s %s %s %s through network ACL %s of subnet %s", dir, what, prep, l.peer.name, acl.Name(), at.Name())
	switch t {
	case Unknown:
		why := acl.EntriesWhy
		if why == "" && hi != lo && gaps != "" {
			why = "the ACL does not allow ports " + gaps + " of the ephemeral range; Fargate does not document its range (AWS's ACL guide gives 32768-61000 for Linux, 49152-65535 for Windows)"
		}
		if why == "" {
			why = acl.unclear(egress, l.peer)
		}
		j.unknown(piece, why)
	case No:
		msg := fmt.Sprintf("Network ACL %s of subnet %s (where %s) denies %s %s %s %s: ACLs are stateless and drop packets on every route, NAT or not, so %s", acl.Name(), at.Name(), who, dir, what, prep, l.peer.name, l.fails)
		if acl.Ext == "" && acl.EntriesWhy == "" && len(acl.Entries) == 0 {
			msg += " (the ACL has no entries: only the implicit deny-all)"
		}
		j.find("PRIVATEPULL-NETWORK-ACL", "error", &acl.Node, msg, Change{Kind: AllowInNetworkACL, Egress: egress, Ports: ports, Peer: l.fix})
	}
}

// unclear says which entry of one direction the set cannot read or compare.
func (a *NetworkACL) unclear(egress bool, p aclPeer) string {
	for _, e := range a.Entries {
		switch {
		case e.Why != "":
			return e.Why
		case e.Egress != egress:
		case e.ExistsWhy != "":
			return e.ExistsWhy
		case e.Proto == "":
			return "rule " + strconv.Itoa(e.Number) + " has a protocol the set cannot read"
		case !e.PortsKnown:
			return "rule " + strconv.Itoa(e.Number) + " has ports the set cannot read"
		case p.match(e.CIDR, e.IPv6) == Unknown:
			return "rule " + strconv.Itoa(e.Number) + " names the block " + e.CIDR.String() + ", which the set cannot compare with " + p.name
		}
	}
	return "an entry the set cannot read or compare"
}
