package pullpath

import (
	"cmp"
	"slices"
	"strings"
)

// need is an interface endpoint the tasks need, and what the set has of it.
type need struct {
	svc, what, rule string
	sure            bool   // false: the need itself is unknown
	why             string // why it is unknown
	// eps are the VPC's interface endpoints for svc; capture is the one
	// whose private DNS answers svc's name for the VPC, dnsUnknown one
	// whose private DNS cannot be read.
	eps                 []*Endpoint
	capture, dnsUnknown *Endpoint
}

// foreign is an image from a registry no VPC endpoint serves.
type foreign struct {
	c    *Container
	host string
	// region is the region of another region's private ECR, else "".
	region string
}

// s3Route is what the set shows of the route of image layers to S3.
type s3Route struct {
	sure                       bool // the tasks surely pull from this region's ECR
	gateways, interfaces, idle []*Endpoint
	// covered is whether gateways cover every task route table; why says
	// why it is unknown, uncovered names the tables they miss.
	covered   Tri
	why       string
	uncovered []string
	// on are the gateways on the task route tables.
	on []*Endpoint
}

// facts gathers what the rules judge: what the tasks need, their images,
// and what the set has of the endpoints and the S3 route they need.
func (j *judgement) facts() {
	s := j.s
	ecrNeed := No
	add := func(n need) {
		for i, x := range j.needs {
			if x.svc == n.svc {
				if n.sure {
					j.needs[i] = n
				}
				return
			}
		}
		j.needs = append(j.needs, n)
	}
	task := s.Task
	switch {
	case task == nil:
		j.unknown("what the tasks need", s.TaskWhy)
		ecrNeed = Unknown
	case task.ContainersWhy != "":
		j.unknown("what the tasks need", task.ContainersWhy)
		ecrNeed = Unknown
	}
	if task != nil {
		for _, c := range task.Containers {
			j.image(c, &ecrNeed)
			if c.LogDriver == "awslogs" {
				add(need{svc: "logs", what: "logs", rule: "PRIVATEPULL-LOGS-ENDPOINT", sure: true})
			}
			for _, sec := range c.Secrets {
				switch sec.Store {
				case "secretsmanager", "ssm":
					add(need{svc: sec.Store, what: "secrets", rule: "PRIVATEPULL-SECRETS-ENDPOINT", sure: true})
				default:
					// either store: both endpoints may be needed
					for _, store := range []string{"secretsmanager", "ssm"} {
						add(need{svc: store, what: "secrets", rule: "PRIVATEPULL-SECRETS-ENDPOINT", why: "the store of secret " + sec.From})
					}
				}
			}
		}
	}
	if ecrNeed != No {
		sure := ecrNeed == Yes
		j.needs = append([]need{
			{svc: "ecr.api", what: "registry API", rule: "PRIVATEPULL-ECR-API", sure: sure, why: "the image"},
			{svc: "ecr.dkr", what: "registry API", rule: "PRIVATEPULL-ECR-DKR", sure: sure, why: "the image"},
		}, j.needs...)
	}
	switch s.Exec {
	case Yes:
		add(need{svc: "ssmmessages", what: "ECS Exec", rule: "PRIVATEPULL-EXEC-ENDPOINT", sure: true})
	case Unknown:
		add(need{svc: "ssmmessages", what: "ECS Exec", rule: "PRIVATEPULL-EXEC-ENDPOINT", why: "whether ECS Exec is on"})
	}
	if j.vpc == nil {
		for _, n := range j.needs {
			j.unknown(n.svc+" endpoint", "the VPC of the tasks ("+cmp.Or(s.SubnetsWhy, s.GroupsWhy, "its subnets and groups are outside the set")+")")
		}
		if ecrNeed != No {
			j.unknown("S3 gateway", "the VPC of the tasks")
		}
		return
	}
	for i := range j.needs {
		n := &j.needs[i]
		for _, e := range j.m.endpointsIn(j.vpc, n.svc, false) {
			switch j.servesHome(e) {
			case No:
				continue // a cross-region endpoint serves another region
			case Unknown:
				j.unknown("region of endpoint "+e.ID, "its service region is "+e.ServiceRegion+" and the region of ECS service "+s.ID+" is unknown")
			}
			n.eps = append(n.eps, e)
		}
		for _, e := range n.eps {
			switch e.PrivateDNS {
			case Yes:
				n.capture = e
			case Unknown:
				n.dnsUnknown = e
			}
		}
	}
	// a kms endpoint with private DNS captures the key calls of secrets
	// and exec sessions
	if slices.ContainsFunc(j.needs, func(n need) bool { return n.what == "secrets" || n.what == "ECS Exec" }) {
		for _, e := range j.m.endpointsIn(j.vpc, "kms", false) {
			if e.PrivateDNS == Yes {
				j.kms = append(j.kms, e)
			}
		}
	}
	if ecrNeed != No {
		j.s3 = j.s3Facts(ecrNeed == Yes)
	}
}

// captures are the interface endpoints whose private DNS answers for what
// the tasks need: the tasks must reach them whatever other way out they have.
func (j *judgement) captures() []*Endpoint {
	var out []*Endpoint
	for _, n := range j.needs {
		if n.capture != nil {
			out = append(out, n.capture)
		}
	}
	return append(out, j.kms...)
}

// image classifies one container's image.
func (j *judgement) image(c *Container, ecrNeed *Tri) {
	if c.ImageWhy != "" {
		j.unknown("image of container "+c.Name, c.ImageWhy)
		if *ecrNeed == No {
			*ecrNeed = Unknown
		}
		return
	}
	host, repo := registry(c.Image)
	m := ecrHost.FindStringSubmatch(host)
	if m == nil {
		if first, _, _ := strings.Cut(c.Image, "/"); strings.Contains(first, "${") {
			j.unknown("registry of container "+c.Name, "the image "+c.Image)
			if *ecrNeed == No {
				*ecrNeed = Unknown
			}
			return
		}
		j.foreign = append(j.foreign, foreign{c: c, host: host})
		return
	}
	region := m[2]
	if !strings.HasPrefix(region, "${") {
		switch {
		case j.home == "":
			if j.s.In.RegionHint != region {
				j.unknown("registry of container "+c.Name, "the image is in ECR of "+region+", and the stack's region is unknown")
			}
		case region != j.home:
			j.foreign = append(j.foreign, foreign{c: c, host: host, region: region})
			return
		}
	}
	*ecrNeed = Yes
	im := ecrImage{image: c.Image, account: m[1], region: region, repo: repo}
	j.ecr = append(j.ecr, im)
	for _, cr := range j.m.Caches {
		if cr.In.Env() == j.s.In.Env() && cr.Prefix != "" && (cr.Prefix == "ROOT" || strings.HasPrefix(repo, cr.Prefix+"/")) {
			im.image += " (cache rule " + cr.ID + ", upstream " + cr.Upstream + ")"
			j.cached = append(j.cached, im)
			return
		}
	}
}

// s3Facts finds the S3 gateways of the VPC and whether they cover the
// route tables of the task subnets.
func (j *judgement) s3Facts(sure bool) *s3Route {
	v, s := j.vpc, j.s
	r := &s3Route{sure: sure, gateways: j.m.endpointsIn(v, "s3", true), interfaces: j.m.endpointsIn(v, "s3", false), covered: Yes}
	for _, gw := range r.gateways {
		if gw.RouteTablesWhy != "" {
			continue
		}
		serves := slices.ContainsFunc(gw.RouteTables, func(rt *RouteTable) bool {
			return rt.Main || rt.Exported || len(rt.Subnets) > 0 || rt.Ext != ""
		})
		if !serves {
			r.idle = append(r.idle, gw)
		}
	}
	if s.SubnetsWhy != "" {
		r.covered, r.why = Unknown, s.SubnetsWhy
	}
	for _, sn := range s.Subnets {
		rt := sn.RouteTable
		if rt == nil {
			r.covered, r.why = And(r.covered, Unknown), cmp.Or(sn.RouteTableWhy, "the route table of subnet "+sn.Name())
			continue
		}
		t := No
		for _, gw := range r.gateways {
			if slices.Contains(gw.RouteTables, rt) {
				t = Yes
				if !slices.Contains(r.on, gw) {
					r.on = append(r.on, gw)
				}
			} else if gw.RouteTablesWhy != "" && t == No {
				t, r.why = Unknown, gw.RouteTablesWhy
			}
		}
		if t == No && !slices.Contains(r.uncovered, rt.Name()) {
			r.uncovered = append(r.uncovered, rt.Name())
		}
		r.covered = And(r.covered, t)
	}
	return r
}
