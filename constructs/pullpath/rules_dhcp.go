package pullpath

import (
	"slices"
	"strings"
)

// dhcpDNS is the part of PRIVATEPULL-VPC-DNS that DHCP options decide: with
// domain-name-servers other than AmazonProvidedDNS the tasks resolve
// through those servers, and the endpoints' private DNS (a private hosted
// zone AWS manages for the VPC) answers only through the VPC resolver, so
// it works only if those servers forward to it. A template cannot show
// that: an unknown, never silently private.
func (j *judgement) dhcpDNS() {
	v := j.vpc
	if v == nil || v.Ext != "" || !slices.ContainsFunc(j.needs, func(n need) bool { return n.capture != nil }) {
		return
	}
	if v.DHCPWhy != "" {
		j.unknown("DNS servers of VPC "+v.ID, v.DHCPWhy)
		return
	}
	var custom []string
	for _, s := range v.DNSServers {
		if !strings.EqualFold(strings.TrimSpace(s), "AmazonProvidedDNS") {
			custom = append(custom, s)
		}
	}
	if len(custom) == 0 {
		return
	}
	j.unknown("private DNS of the interface endpoints of VPC "+v.ID,
		"its DHCP options send the tasks to the DNS servers "+strings.Join(custom, ", ")+" instead of AmazonProvidedDNS; the endpoints' names resolve to their private addresses only if those servers forward them to the VPC resolver (the VPC's Amazon DNS server or a Route 53 Resolver inbound endpoint)")
}
