package pullpath

import (
	"regexp"
	"strings"
)

var serviceNameRegion = regexp.MustCompile(`^(?:cn\.)?com\.amazonaws\.([a-z]{2}(?:-[a-z]+)+-[0-9]+)\.`)

// literalRegion is r when it is a literal region name, else "".
func literalRegion(r string) string {
	if m := serviceNameRegion.FindStringSubmatch("com.amazonaws." + strings.TrimSpace(r) + "."); m != nil {
		return m[1]
	}
	return ""
}

// homeRegion is the region the tasks run in when the input does not give
// it, as the set pins it: the literal service names of the VPC's endpoints
// that name no service region (an endpoint serves its own region unless it
// is a cross-region one), else the awslogs-region of the containers. It is
// "" when nothing pins it or the pins disagree; from says what pinned it.
func (j *judgement) homeRegion() (region, from string) {
	pick := func(r, by string) bool {
		switch {
		case r == "":
		case region == "":
			region, from = r, by
		case region != r:
			region, from = "", ""
			return false
		}
		return true
	}
	if j.vpc != nil {
		for _, e := range j.m.Endpoints {
			if e.VPC != j.vpc || e.ServiceRegion != "" {
				continue
			}
			if m := serviceNameRegion.FindStringSubmatch(e.ServiceName); m != nil && !pick(m[1], "the service name of endpoint "+e.ID) {
				return "", ""
			}
		}
	}
	if region != "" {
		return region, from
	}
	if t := j.s.Task; t != nil {
		for _, c := range t.Containers {
			if c.LogDriver == "awslogs" && !pick(literalRegion(c.LogRegion), "the awslogs-region of container "+c.Name) {
				return "", ""
			}
		}
	}
	return region, from
}

// servesHome says whether interface endpoint e serves the tasks' own
// region: a cross-region endpoint (ServiceRegion) serves another one.
func (j *judgement) servesHome(e *Endpoint) Tri {
	switch {
	case e.ServiceRegion == "":
		return Yes
	case literalRegion(e.ServiceRegion) == "" || j.home == "":
		return Unknown
	}
	return TriOf(e.ServiceRegion == j.home)
}
