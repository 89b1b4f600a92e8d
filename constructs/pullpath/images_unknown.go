package pullpath

import (
	"cmp"
	"slices"
	"strings"
)

// judgeImages judges service s, and when it is undecided and some of its
// images are unknown (a parameter, an import), judges it again with those
// images in this region's private ECR and in a registry no endpoint serves:
// when both agree, the registry does not matter and that is the verdict
// (private subnets behind a NAT pull any image over the internet).
func (m *Model) judgeImages(s *Service) *ServiceReport {
	rep := m.judge(s)
	if rep.Verdict != Undecided || s.Task == nil || s.Task.ContainersWhy != "" {
		return rep
	}
	var unknown []string
	for _, c := range s.Task.Containers {
		if imageUnknown(c) {
			unknown = append(unknown, c.Name)
		}
	}
	if len(unknown) == 0 || slices.ContainsFunc(m.Caches, func(cr *CacheRule) bool { return cr.In.Env() == s.In.Env() }) {
		return rep // a cache rule could serve the image: the first pull differs
	}
	ecr := m.judge(withImages(s, ecrImageOf(s.In)))
	other := m.judge(withImages(s, "other-registry.invalid/${image}"))
	if ecr.Verdict != other.Verdict || ecr.Verdict == Undecided {
		if ecr.Verdict != other.Verdict {
			rep.Why += "; the verdict depends on the registry of the image of " + strings.Join(unknown, ", ") + ": " + verdictText(ecr) + " in this region's ECR, " + verdictText(other) + " in a registry no endpoint serves"
		}
		return rep
	}
	out := *ecr
	out.Findings = []*Finding{}
	for _, side := range []struct {
		r, o  *ServiceReport
		where string
	}{{ecr, other, "in this region's ECR"}, {other, ecr, "in a registry no endpoint serves"}} {
		for _, f := range side.r.Findings {
			switch {
			case !slices.ContainsFunc(side.o.Findings, func(x *Finding) bool { return sameCause(x, f) }):
				c := *f
				c.Message = "if the image is " + side.where + ": " + f.Message
				out.Findings = append(out.Findings, &c)
			case side.r == ecr:
				out.Findings = append(out.Findings, f) // in both: once
			}
		}
	}
	out.service = s
	out.Why += "; the same whatever registry the image of " + strings.Join(unknown, ", ") + " comes from, which the inputs do not show"
	return &out
}

// imageUnknown says whether the registry of c's image cannot be read.
func imageUnknown(c *Container) bool {
	if c.ImageWhy != "" {
		return true
	}
	if host, _ := registry(c.Image); ecrHost.MatchString(host) {
		return false // an ECR host, though its account or region is a symbol
	}
	first, _, _ := strings.Cut(c.Image, "/")
	return strings.Contains(first, "${")
}

// withImages is s with a copy of its task definition whose unknown images
// are image.
func withImages(s *Service, image string) *Service {
	t := *s.Task
	t.Containers = make([]*Container, len(s.Task.Containers))
	for i, c := range s.Task.Containers {
		x := *c
		if imageUnknown(c) {
			x.Image, x.ImageWhy = image, ""
		}
		t.Containers[i] = &x
	}
	v := *s
	v.Task = &t
	return &v
}

// ecrImageOf is an image of unknown repository in the private ECR of in's
// account and region, written with the input's own symbols for them.
func ecrImageOf(in *Input) string {
	account, region, suffix := in.Account, in.Region, "amazonaws.com"
	if account == "" {
		account = in.Dialect.Placeholder(Account)
	}
	if region == "" {
		region = cmp.Or(in.RegionHint, in.Dialect.Placeholder(Region))
	}
	if strings.HasPrefix(region, "cn-") {
		suffix = "amazonaws.com.cn"
	}
	return account + ".dkr.ecr." + region + "." + suffix + "/${image}"
}
