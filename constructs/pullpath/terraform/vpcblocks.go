package terraform

import "github.com/privatepull/privatepull/constructs/pullpath"

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
