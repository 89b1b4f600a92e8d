package terraform

// fillDHCP links aws_vpc_dhcp_options_association: the VPC takes the
// domain_name_servers of the options it names.
func (mp *tfMapper) fillDHCP() {
	r := mp.r
	for _, in := range mp.of("aws_vpc_dhcp_options_association") {
		vs, _ := mp.str(in, "vpc_id")
		v := mp.vpc(vs)
		if v == nil || v.Ext != "" {
			continue
		}
		v.DNSServers, v.DHCPWhy = nil, ""
		if w := in.sc.countWhy; w != "" {
			v.DHCPWhy = in.addr + " may exist zero or many times (" + w + ")"
			continue
		}
		os, why := mp.str(in, "dhcp_options_id")
		x, _, ext := mp.ref(os)
		switch {
		case x != nil && x.res.typ == "aws_vpc_dhcp_options":
			it := r.item(x)
			if !r.has(it, "domain_name_servers") {
				v.DHCPWhy = "the DHCP options " + x.addr + " name no domain_name_servers"
				continue
			}
			servers, w := tfStrList(r.get(it, "domain_name_servers"))
			if w != "" {
				v.DHCPWhy = "the domain_name_servers of " + x.addr + " are unknown (" + w + ")"
				continue
			}
			v.DNSServers = servers
		case why != "":
			v.DHCPWhy = "the DHCP options of " + v.ID + " are unknown (" + why + ")"
		default:
			if ext == "" {
				ext = "an unknown value"
			}
			v.DHCPWhy = "the DHCP options of " + v.ID + " are " + ext
		}
	}
}
