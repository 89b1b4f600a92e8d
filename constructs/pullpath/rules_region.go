package pullpath

import (
	"fmt"
	"strings"
)

// otherRegion judges an image in another region's private ECR (part of
// PRIVATEPULL-IMAGE-REGISTRY). Cross-region interface endpoints
// (ServiceRegion) can carry its registry API, but its layers come from that
// region's S3 (prod-REGION-starport-layer-bucket), which this VPC's S3
// gateway cannot serve: a gateway serves its own region only. The layers
// need a way out: an error without one, a warning with one.
func (j *judgement) otherRegion(f foreign) {
	s := j.s
	api, but := "no endpoint of this VPC serves its registry API", "and"
	var cross []string
	if j.vpc != nil {
		for _, e := range j.m.Endpoints {
			if e.VPC == j.vpc && (e.Service == "ecr.api" || e.Service == "ecr.dkr") && e.ServiceRegion == f.region {
				cross = append(cross, e.ID)
			}
		}
	}
	if len(cross) > 0 {
		api, but = "its registry API can go through the cross-region endpoints "+strings.Join(cross, ", "), "but"
	}
	where := "ECS service " + s.ID + " runs in " + j.home
	if j.homeFrom != "" {
		where += " (as " + j.homeFrom + " says)"
	}
	msg := fmt.Sprintf("%s, and the image %s of container %s is in the private ECR of %s: %s, %s its layers come from S3 in %s (prod-%s-starport-layer-bucket), which this VPC's S3 gateway cannot serve (a gateway serves its own region only)", where, f.c.Image, f.c.Name, f.region, api, but, f.region, f.region)
	switch j.out {
	case No:
		j.find("PRIVATEPULL-IMAGE-REGISTRY", "error", &s.Node, msg+fmt.Sprintf(", and the tasks have no way out (%s): the pull fails with CannotPullContainerError", j.via), Change{Kind: CopyImageToECR})
	case Yes:
		j.find("PRIVATEPULL-IMAGE-REGISTRY", "warning", &s.Node, msg+": the layers go out through "+j.via, Change{Kind: CopyImageToECR})
		j.goesOut("image layers from " + f.region)
	default:
		j.unknown("layers of image "+f.c.Image+" from the ECR of "+f.region, "they need a way out, and "+j.via)
	}
}
