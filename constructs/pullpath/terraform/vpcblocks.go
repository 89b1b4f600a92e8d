package terraform

import (
	"cmp"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// dataVPCBlocks gives a VPC that a data "aws_vpc" looks up its block as a
// symbol, data.aws_vpc.X.cidr_block: a rule to it stays in the VPC. The VPC
// the data source names by id (var.vpc_id) is the same VPC.
func (mp *tfMapper) dataVPCBlocks() {
	for _, in := range mp.insts {
		if !in.res.data || in.res.typ != "aws_vpc" {
			continue
		}
		block := pullpath.CIDR{Sym: in.addr + ".cidr_block"}
		keys := []string{"${" + in.addr + ".id}"}
		if id, why := mp.str(in, "id"); why == "" && id != "" {
			keys = append(keys, id)
		}
		for _, k := range keys {
			if v, ok := mp.exts["vpc|"+k].(*pullpath.VPC); ok && len(v.CIDRs) == 0 {
				v.CIDRs = []pullpath.CIDR{block}
			}
		}
	}
}

// managedList is the node of an aws_ec2_managed_prefix_list the module
// defines, with its entry blocks and aws_ec2_managed_prefix_list_entry
// resources, read once.
func (mp *tfMapper) managedList(in *tfInst) *pullpath.PrefixList {
	if l, ok := mp.nodes[in.addr].(*pullpath.PrefixList); ok {
		return l
	}
	r := mp.r
	l := &pullpath.PrefixList{Node: mp.node(in)}
	mp.nodes[in.addr] = l
	l.Name, _ = mp.str(in, "name")
	if l.CountWhy != "" {
		l.EntriesWhy = "prefix list " + in.addr + " may be created zero times: " + l.CountWhy
	}
	add := func(s, why string) {
		c := tfCIDR(s)
		if why != "" || !c.Known() {
			l.EntriesWhy = "an entry of prefix list " + in.addr + " is " + cmp.Or(why, r.symPhrase(s))
			return
		}
		l.Entries = append(l.Entries, c)
	}
	entries, why := r.nested(r.item(in), "entry")
	if why != "" {
		l.EntriesWhy = "the entries of prefix list " + in.addr + " are " + why
	}
	for _, e := range entries {
		add(tfStr(r.get(e, "cidr")))
	}
	for _, x := range mp.of("aws_ec2_managed_prefix_list_entry") {
		id, _ := mp.str(x, "prefix_list_id")
		if y, _, _ := mp.ref(id); y == in {
			add(mp.str(x, "cidr"))
		}
	}
	return l
}
