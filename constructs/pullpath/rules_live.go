package pullpath

import (
	"fmt"
	"strings"
)

// imageMissing is the rule, for a deployed account, that each image of the
// task's own-region ECR exists: a tag or digest the repository lacks fails
// the pull with CannotPullContainerError however open the network is. It
// also reports what a live reader could not see for every service (denied
// reads, name servers other than the VPC resolver, network ACLs with rules
// of their own): templates show none of these, so it is silent on them.
func (j *judgement) imageMissing() {
	for _, u := range j.s.In.Unknowns {
		piece, why, _ := strings.Cut(u, ": ")
		j.unknown(piece, why)
	}
	if t := j.s.Task; t != nil {
		for _, c := range t.Containers {
			switch {
			case c.Found == No:
				host, _ := registry(c.Image)
				if m := ecrHost.FindStringSubmatch(host); m == nil || m[2] != j.s.In.Region {
					continue // another registry's image: PRIVATEPULL-IMAGE-REGISTRY judges its way
				}
				j.find("PRIVATEPULL-IMAGE-MISSING", "error", &t.Node,
					fmt.Sprintf("ECS service %s runs image %s (container %s), whose tag or digest is not in its repository (%s): the pull fails with CannotPullContainerError (not found) whatever the network allows", j.s.ID, c.Image, c.Name, c.FoundWhy),
					Change{Kind: PushImage, Image: c.Image, Region: j.regionOr()})
			case c.FoundWhy != "":
				j.unknown("image "+c.Image+" of container "+c.Name, c.FoundWhy)
			}
		}
	}
	v := j.vpc
	if v == nil {
		return
	}
	if len(v.DNSServers) > 0 {
		j.unknown("name resolution of VPC "+v.ID, fmt.Sprintf("DHCP options %s give the tasks the name servers %s instead of AmazonProvidedDNS: whether they forward the VPC endpoints' private names to the VPC resolver (on-premises DNS, Route 53 Resolver rules) cannot be seen", v.DHCPOptions, strings.Join(v.DNSServers, ", ")))
	}
	for _, sn := range j.s.Subnets {
		if sn.ACLOpen == No {
			j.unknown("network ACL "+sn.ACL+" of subnet "+sn.Name(), "it has rules besides allowing all traffic, and the checker does not judge network ACL rules yet")
		}
	}
}
