package cloudformation

import (
	"github.com/privatepull/privatepull/constructs/pullpath"
)

// dhcpOptions links an AWS::EC2::VPCDHCPOptionsAssociation: the VPC takes
// the DomainNameServers of the options it names.
func (c *cfnCtx) dhcpOptions(id string) {
	v, ok := c.node(c.prop(id, "VpcId")).(*pullpath.VPC)
	if !ok {
		return
	}
	v.DNSServers, v.DHCPWhy = nil, ""
	if why := c.maybe[id]; why != "" {
		v.DHCPWhy = "association " + id + ": " + why
		return
	}
	ov := c.prop(id, "DhcpOptionsId")
	r, ok := ov.(ref)
	if ok && r.c.tpl.Resources[r.id].Type == "AWS::EC2::DHCPOptions" {
		servers, has := r.c.tpl.Resources[r.id].Properties["DomainNameServers"]
		list, isList := r.c.resolve(servers).([]any)
		switch {
		case !has:
			v.DHCPWhy = "the DHCP options " + r.id + " name no DomainNameServers"
		case !isList:
			v.DHCPWhy = "the DomainNameServers of " + r.id + " are " + pullpath.WhyOf(r.c.resolve(servers))
		default:
			v.DNSServers = pullpath.Strings(list)
		}
		return
	}
	v.DHCPWhy = "the DHCP options of VPC " + v.ID + " are " + pullpath.WhyOf(ov)
}
