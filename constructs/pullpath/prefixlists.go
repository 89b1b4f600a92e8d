package pullpath

import (
	"cmp"
	"net/netip"
	"slices"
	"strings"
)

// PrefixList is a customer-managed prefix list the set defines
// (AWS::EC2::PrefixList, aws_ec2_managed_prefix_list): a list of blocks,
// judged by its entries on every leg.
type PrefixList struct {
	Node
	// Name is its name as written, "" when unknown.
	Name string
	// Entries are its IPv4 blocks; EntriesWhy is non-empty when some
	// cannot be read.
	Entries    []CIDR
	EntriesWhy string
}

// S3ListName says whether name is that of S3's AWS-managed prefix list,
// com.amazonaws.REGION.s3 (DynamoDB's, com.amazonaws.REGION.dynamodb, is not).
func S3ListName(name string) bool {
	rest, ok := strings.CutPrefix(strings.TrimPrefix(name, "cn."), "com.amazonaws.")
	region, ok2 := strings.CutSuffix(rest, ".s3")
	return ok && ok2 && region != "" && !strings.Contains(region, ".")
}

// privateRanges hold no address of an AWS public service.
var privateRanges = []netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("127.0.0.0/8"),
}

// PrivateAddr says whether a is an address no AWS public service has: a
// VPC's own kind (RFC 1918, 100.64.0.0/10), link-local or loopback.
func PrivateAddr(a netip.Addr) bool {
	return privateBlock(netip.PrefixFrom(a, a.BitLen()))
}

// privateBlock says whether every address of p is private.
func privateBlock(p netip.Prefix) bool {
	return slices.ContainsFunc(privateRanges, func(r netip.Prefix) bool {
		return r.Bits() <= p.Bits() && r.Contains(p.Addr())
	})
}

// vpcBlock says whether c is one of VPC v's blocks or inside one: traffic
// to it stays in the VPC (the local route).
func vpcBlock(c CIDR, v *VPC) bool {
	if v == nil {
		return false
	}
	return slices.ContainsFunc(v.CIDRs, func(b CIDR) bool {
		switch {
		case b.Sym != "" && (b.Sym == c.Sym || b.Sym == c.In):
			return true
		case b.P.IsValid() && c.P.IsValid():
			return b.P.Bits() <= c.P.Bits() && b.P.Contains(c.P.Addr())
		case b.P.IsValid():
			return c.In == b.P.String()
		}
		return false
	})
}

// holdsS3 is whether block c may hold addresses of S3: all addresses do,
// private blocks and the VPC's own do not, another public block may.
func holdsS3(c CIDR, v *VPC) Tri {
	switch {
	case c.P.IsValid() && c.P.Bits() == 0:
		return Yes
	case c.P.IsValid() && privateBlock(c.P), vpcBlock(c, v):
		return No
	}
	return Unknown
}

// entries judges the entries of a prefix list the set defines with f:
// Yes when one is, No when none may be.
func (l *PrefixList) entries(f func(CIDR) Tri) Tri {
	ts := make([]Tri, 0, len(l.Entries)+1)
	for _, e := range l.Entries {
		ts = append(ts, f(e))
	}
	if l.EntriesWhy != "" {
		ts = append(ts, Unknown)
	}
	return Or(ts...)
}

// listS3 is whether the prefix list of rule r holds S3's addresses: a list
// of the set by its entries, an AWS-managed list by its name, a list from
// outside the set only where it is marked as S3's.
func (j *judgement) listS3(r *Rule) Tri {
	switch {
	case r.List != nil:
		t := r.List.entries(func(c CIDR) Tri { return holdsS3(c, j.vpc) })
		if t == Unknown {
			j.plWhy = "prefix list " + r.List.ID + " has entries that may or may not be S3's (" + blocks(r.List.Entries) + ")"
		}
		return t
	case r.PrefixListName != "":
		return TriOf(S3ListName(r.PrefixListName))
	case r.S3List:
		j.s3List = cmp.Or(j.s3List, r.PrefixList+" taken as S3's: its rule marks it")
		return Yes
	case slices.Contains(j.m.S3PrefixLists, r.PrefixList):
		j.s3List = cmp.Or(j.s3List, r.PrefixList+" taken as S3's: the template's metadata or the caller names it")
		return Yes
	}
	j.plWhy = "whether prefix list " + r.PrefixList + " is S3's: the set does not define it and nothing marks it as S3's (pullcheck -s3-prefix-list " + r.PrefixList + ", or privatepull.S3PrefixLists)"
	return Unknown
}

func blocks(cs []CIDR) string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return strings.Join(out, ", ")
}

// toS3 is whether rule r sends to addresses of S3, by any route: the S3
// prefix list, all addresses, or a list or block that may hold S3's.
func (j *judgement) toS3(r *Rule) Tri {
	switch {
	case r.PeerWhy != "":
		return Unknown
	case r.PrefixList != "" || r.List != nil:
		return j.listS3(r)
	case r.Group != nil, r.IPv6:
		return No
	case len(j.s.In.S3Ranges) > 0 && r.CIDR.P.IsValid():
		// the input shows S3's ranges: a block that leaves one out sends
		// the downloads that resolve there nowhere
		for _, b := range j.s.In.S3Ranges {
			if r.CIDR.Covers(b) != Yes {
				return No
			}
		}
		return Yes
	}
	return holdsS3(r.CIDR, j.vpc)
}

// layersUnreachable is the leg of the image layers judged whatever the VPC:
// when the task groups send tcp/443 to no address S3 may have, no route
// (gateway, NAT or internet gateway) can bring the layers.
func (j *judgement) layersUnreachable() bool {
	s := j.s
	if len(j.ecr) == 0 {
		return false
	}
	return reach(s.Groups, s.GroupsWhy, true, func(r *Rule) Tri {
		if r.IPv6 && r.PeerWhy == "" {
			return Unknown // S3's dual-stack addresses: a pull over IPv6 may use them
		}
		return j.toS3(r)
	}) == No
}

// no443 says whether the task groups allow no tcp/443 egress at all: every
// leg served on 443 (registry auth, manifests, layers, logs, secrets) fails.
func (j *judgement) no443() bool {
	s := j.s
	return reach(s.Groups, s.GroupsWhy, true, func(*Rule) Tri { return Yes }) == No
}
