package pullpath

import "fmt"

// imageRegistry is the rule that an image no VPC endpoint serves (Docker
// Hub, ECR Public, another region's ECR, ...) has a way out to its registry.
func (j *judgement) imageRegistry() {
	for _, f := range j.foreign {
		if f.region != "" {
			j.otherRegion(f)
			continue
		}
		switch j.out {
		case No:
			j.find("PRIVATEPULL-IMAGE-REGISTRY", "error", &j.s.Node,
				fmt.Sprintf("%s runs image %s (container %s) from %s, which no VPC endpoint serves, and its tasks have no way out (%s): the pull fails with CannotPullContainerError", j.who(), f.c.Image, f.c.Name, f.host, j.via),
				Change{Kind: CopyImageToECR})
		case Yes:
			j.goesOut("image from " + f.host)
		default:
			j.unknown("image of container "+f.c.Name+" from "+f.host, "it needs a way out, and "+j.via)
		}
	}
}

// publicIP is the rule that the tasks get no public IP: with an internet
// gateway route their traffic leaves the VPC.
func (j *judgement) publicIP() {
	if j.s.PublicIP == Yes {
		j.find("PRIVATEPULL-PUBLIC-IP", "warning", &j.s.Node,
			fmt.Sprintf("%s gives its tasks a public IP: with an internet-gateway route they reach AWS over the internet, not through the VPC endpoints", j.who()),
			Change{Kind: DisablePublicIP})
	}
}
