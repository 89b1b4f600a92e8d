package pullpath

import (
	"fmt"
	"strings"
)

// imageMissing is the rule, for a deployed account, that each image of the
// task's own-region ECR exists: a tag or digest the repository lacks fails
// the pull with CannotPullContainerError however open the network is. It
// also reports what a live reader could not see for every service (denied
// reads): templates show none, so it is silent on them.
func (j *judgement) imageMissing() {
	for _, u := range j.s.In.Unknowns {
		piece, why, _ := strings.Cut(u, ": ")
		j.unknown(piece, why)
	}
	if t := j.s.Task; t != nil {
		for _, c := range t.Containers {
			switch {
			case c.Found == No:
				if im, ok := ParseECRImage(c.Image); !ok || im.Region != j.s.In.Region {
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
}
