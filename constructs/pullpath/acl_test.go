package pullpath

import "testing"

func TestACLPorts(t *testing.T) {
	vpc := &VPC{CIDRs: []CIDR{ParseCIDR("10.0.0.0/16")}}
	sn := &Subnet{VPC: vpc, CIDR: ParseCIDR("10.0.1.0/24")}
	tcp := func(n int, egress, allow bool, cidr string, from, to int) ACLEntry {
		return ACLEntry{Number: n, Egress: egress, Allow: allow, Proto: "tcp", From: from, To: to, PortsKnown: true, CIDR: ParseCIDR(cidr)}
	}
	s3 := aclPeer{v: vpc, public: true}
	sub := aclPeer{sn: sn, v: vpc}
	cases := []struct {
		name    string
		entries []ACLEntry
		egress  bool
		lo, hi  int
		peer    aclPeer
		want    Tri
		gaps    string
	}{
		{"allow all", ACLAllowAll(), true, 443, 443, s3, Yes, ""},
		{"no entries: the implicit deny", nil, true, 443, 443, s3, No, "443"},
		{"lowest number first", []ACLEntry{tcp(200, true, true, "0.0.0.0/0", 443, 443), tcp(100, true, false, "0.0.0.0/0", 0, 65535)}, true, 443, 443, s3, No, "443"},
		{"the VPC block holds no S3 address", []ACLEntry{tcp(100, true, true, "10.0.0.0/16", 443, 443)}, true, 443, 443, s3, No, "443"},
		{"a public block cannot be compared with S3's", []ACLEntry{tcp(100, true, true, "52.0.0.0/8", 443, 443)}, true, 443, 443, s3, Unknown, "443 (cannot tell)"},
		{"a block that holds the subnet", []ACLEntry{tcp(100, false, true, "10.0.0.0/16", 443, 443)}, false, 443, 443, sub, Yes, ""},
		{"a block apart from the subnet", []ACLEntry{tcp(100, false, true, "10.0.2.0/24", 443, 443)}, false, 443, 443, sub, No, "443"},
		{"the whole ephemeral range", []ACLEntry{tcp(100, false, true, "0.0.0.0/0", 1024, 65535)}, false, 1024, 65535, s3, Yes, ""},
		{"the Linux range only", []ACLEntry{tcp(100, false, true, "0.0.0.0/0", 32768, 61000)}, false, 1024, 65535, s3, Unknown, "1024-32767, 61001-65535"},
		{"no ephemeral port", []ACLEntry{tcp(100, false, true, "0.0.0.0/0", 443, 443)}, false, 1024, 65535, s3, No, "1024-65535"},
		{"a deny that may not exist", []ACLEntry{{Number: 50, Egress: true, Proto: "-1", CIDR: ParseCIDR("0.0.0.0/0"), ExistsWhy: "x"}, tcp(100, true, true, "0.0.0.0/0", 443, 443)}, true, 443, 443, s3, Unknown, "443 (cannot tell)"},
		{"an allow that may not exist, then a deny", []ACLEntry{{Number: 50, Egress: true, Allow: true, Proto: "-1", CIDR: ParseCIDR("0.0.0.0/0"), ExistsWhy: "x"}}, true, 443, 443, s3, Unknown, "443 (cannot tell)"},
		{"an entry whose number cannot be read", []ACLEntry{{Why: "x", Proto: "-1"}, tcp(100, true, true, "0.0.0.0/0", 443, 443)}, true, 443, 443, s3, Unknown, "443 (cannot tell)"},
	}
	for _, c := range cases {
		m := &Model{NetworkACLs: []*NetworkACL{{Entries: c.entries}}}
		m.sortACLs()
		got, gaps := sum(m.NetworkACLs[0].ports(c.egress, c.lo, c.hi, c.peer))
		if got != c.want || gaps != c.gaps {
			t.Errorf("%s: got %v %q, want %v %q", c.name, got, gaps, c.want, c.gaps)
		}
	}
}
