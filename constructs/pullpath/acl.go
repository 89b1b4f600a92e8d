package pullpath

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// NetworkACL is a network ACL: stateless rules applied, lowest number
// first, to traffic entering and leaving its subnets.
type NetworkACL struct {
	Node
	VPC *VPC
	// Default is true for the VPC's default ACL.
	Default bool
	// Entries are its rules in both directions, in any order; the implicit
	// deny-all (*) rule is not listed.
	Entries []ACLEntry
	// EntriesWhy is non-empty when some entries cannot be read.
	EntriesWhy string
}

// ACLEntry is one rule of a network ACL.
type ACLEntry struct {
	// ID names the standalone entry resource, "" for an inline one.
	ID string
	// Number is its rule number; Egress its direction; Allow its action.
	Number int
	Egress bool
	Allow  bool
	// Why is non-empty when its number, direction or action cannot be
	// read: it may come anywhere and do either.
	Why string
	// ExistsWhy is non-empty when the entry may not exist (a condition, a
	// count the set cannot show): it may or may not match.
	ExistsWhy string
	// Proto is "-1" (all), "tcp", "udp", "icmp", a number, or "" when
	// unknown.
	Proto string
	// From and To are the port range (tcp and udp); PortsKnown is false
	// when unreadable.
	From, To   int
	PortsKnown bool
	// CIDR is the IPv4 block; IPv6 is true for an IPv6 entry.
	CIDR CIDR
	IPv6 bool
}

// ACLAllowAll are the entries of a new VPC's default ACL: rule 100 allows
// all traffic in and out.
func ACLAllowAll() []ACLEntry {
	all := ParseCIDR("0.0.0.0/0")
	return []ACLEntry{
		{Number: 100, Allow: true, Proto: "-1", To: 65535, PortsKnown: true, CIDR: all},
		{Number: 100, Egress: true, Allow: true, Proto: "-1", To: 65535, PortsKnown: true, CIDR: all},
	}
}

// sortACLs puts the entries of every ACL in rule-number order (entries
// whose number cannot be read first: they may come first).
func (m *Model) sortACLs() {
	for _, a := range m.NetworkACLs {
		slices.SortStableFunc(a.Entries, func(x, y ACLEntry) int {
			if (x.Why != "") != (y.Why != "") {
				if x.Why != "" {
					return -1
				}
				return 1
			}
			return cmp.Compare(x.Number, y.Number)
		})
	}
}

// aclPeer is the far end of a connection that an ACL must let through.
type aclPeer struct {
	name   string
	sn     *Subnet // a subnet (nil: one the set cannot show, or public)
	v      *VPC
	public bool // public AWS addresses: S3's ranges, the internet
}

// private blocks hold no public AWS address.
var privateBlocks = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"), netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("169.254.0.0/16"), netip.MustParsePrefix("127.0.0.0/8"),
}

// match is whether an entry's block c matches every address of the peer
// (Yes), none (No), or the set cannot tell.
func (p aclPeer) match(c CIDR, ipv6 bool) Tri {
	if ipv6 {
		return No
	}
	if c.P.IsValid() && c.P.Bits() == 0 {
		return Yes
	}
	if p.public {
		if c.P.IsValid() {
			for _, b := range privateBlocks {
				if b.Bits() <= c.P.Bits() && b.Contains(c.P.Addr()) {
					return No
				}
			}
		}
		if p.v != nil {
			for _, b := range p.v.CIDRs {
				if b.Known() && b.Covers(c) == Yes {
					return No // a VPC block holds no public AWS address
				}
			}
		}
		return Unknown
	}
	if t := covers(c, p.sn, p.v); t == Yes {
		return Yes
	}
	if p.sn != nil && c.P.IsValid() && p.sn.CIDR.P.IsValid() && !c.P.Overlaps(p.sn.CIDR.P) {
		return No
	}
	return Unknown
}

// protoTCP is whether an entry's protocol covers tcp.
func protoTCP(proto string) Tri {
	switch proto {
	case "-1", "tcp", "6":
		return Yes
	case "":
		return Unknown
	}
	return No
}

// span is a port range and what the ACL does to it.
type span struct {
	from, to int
	t        Tri
}

// ports evaluates tcp ports lo..hi from or to peer p in one direction:
// for each run of ports, Yes when allowed, No when denied, Unknown when
// the set cannot tell. The first matching entry decides; none is a deny.
func (a *NetworkACL) ports(egress bool, lo, hi int, p aclPeer) []span {
	cuts := []int{lo}
	for _, e := range a.Entries {
		if e.Egress != egress && e.Why == "" || !e.PortsKnown || e.Proto != "tcp" && e.Proto != "6" {
			continue
		}
		if e.From > lo && e.From <= hi {
			cuts = append(cuts, e.From)
		}
		if e.To >= lo && e.To < hi {
			cuts = append(cuts, e.To+1)
		}
	}
	slices.Sort(cuts)
	cuts = slices.Compact(cuts)
	var out []span
	for i, from := range cuts {
		to := hi
		if i+1 < len(cuts) {
			to = cuts[i+1] - 1
		}
		t := a.decide(egress, from, p)
		if n := len(out); n > 0 && out[n-1].t == t {
			out[n-1].to = to
			continue
		}
		out = append(out, span{from, to, t})
	}
	return out
}

// decide is what the ACL does to tcp port port (and every port of its run).
func (a *NetworkACL) decide(egress bool, port int, p aclPeer) Tri {
	if a.EntriesWhy != "" {
		return Unknown
	}
	allow, deny, decided := false, false, false
	for _, e := range a.Entries {
		if e.Why != "" {
			allow, deny = true, true
			continue
		}
		if e.Egress != egress {
			continue
		}
		m := And(protoTCP(e.Proto), p.match(e.CIDR, e.IPv6))
		if e.ExistsWhy != "" {
			m = And(m, Unknown)
		}
		if e.Proto == "tcp" || e.Proto == "6" {
			if !e.PortsKnown {
				m = And(m, Unknown)
			} else if port < e.From || port > e.To {
				m = No
			}
		}
		if m == No {
			continue
		}
		if e.Allow {
			allow = true
		} else {
			deny = true
		}
		if m == Yes {
			decided = true
			break
		}
	}
	if !decided {
		deny = true // the implicit * rule
	}
	switch {
	case allow && deny:
		return Unknown
	case allow:
		return Yes
	}
	return No
}

// Ephemeral is the client port range the ACL checks allow for replies:
// AWS's ACL guide gives 32768-61000 for Linux and 49152-65535 for Windows,
// and Fargate does not document its own.
const ephemeralFrom, ephemeralTo = 1024, 65535

// sum judges spans of ports: Yes when all are allowed, No when none is
// allowed and none unknown, else Unknown; gaps says which are not allowed.
func sum(spans []span) (Tri, string) {
	all, none := true, true
	var gaps []string
	for _, s := range spans {
		if s.t != No {
			none = false
		}
		if s.t == Yes {
			continue
		}
		all = false
		r := fmt.Sprint(s.from)
		if s.to != s.from {
			r += "-" + fmt.Sprint(s.to)
		}
		if s.t == Unknown {
			r += " (cannot tell)"
		}
		gaps = append(gaps, r)
	}
	switch {
	case all:
		return Yes, ""
	case none:
		return No, strings.Join(gaps, ", ")
	}
	return Unknown, strings.Join(gaps, ", ")
}
