package pullpath

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Mermaid draws the pull path of every ECS service of the report as a
// Mermaid flowchart in Markdown (a heading with the verdict, then a
// ```mermaid block, which GitHub renders):
//
//	service -> its security groups -> tcp/443 -> the interface endpoints they reach
//	security groups -> tcp/443 -> S3 prefix list -> S3 gateway endpoint -> route tables -> subnets
//
// Solid edges are what the inputs provide; each finding on the service's
// path is a dashed red edge labelled with its rule, where the link is
// missing.
func (r *Report) Mermaid() string {
	var b strings.Builder
	for _, t := range r.Templates {
		if len(t.Services) == 0 {
			fmt.Fprintf(&b, "%s: no AWS::ECS::Service, no pull path to draw\n", t.Path)
		}
		for _, s := range t.Services {
			fmt.Fprintf(&b, "#### Pull path of %s (%s): %s\n\n```mermaid\n%s```\n\n", s.service.Label(), t.Path, s.Verdict, s.draw())
		}
	}
	return b.String()
}

var missingEndpoint = map[string]string{
	"PRIVATEPULL-ECR-API":          "ecr.api",
	"PRIVATEPULL-ECR-DKR":          "ecr.dkr",
	"PRIVATEPULL-LOGS-ENDPOINT":    "logs",
	"PRIVATEPULL-SECRETS-ENDPOINT": "secretsmanager / ssm",
	"PRIVATEPULL-EXEC-ENDPOINT":    "ssmmessages",
}

// draw returns the flowchart of one service, without the fence.
func (sr *ServiceReport) draw() string {
	s, j, f := sr.service, sr.j, &flowchart{seen: map[string]bool{}}
	svc := f.node("svc", s.ID, s.Label())
	if sr.Verdict == Skipped {
		f.node("problem", "skipped", "skipped: "+sr.Why)
		return f.String()
	}
	from := []string{svc}
	if len(s.Groups) > 0 {
		from = nil
	}
	for _, g := range s.Groups {
		from = append(from, f.node("sg", g.ID, "security group "+g.Name()))
		f.edge(svc, f.id("sg", g.ID), "", false)
	}
	var interfaces []*Endpoint
	for e := range j.reached {
		interfaces = append(interfaces, e)
	}
	slices.SortFunc(interfaces, func(a, b *Endpoint) int { return strings.Compare(a.ID, b.ID) })
	for _, e := range interfaces {
		ep := f.node("ep", e.ID, e.Service+" endpoint "+e.ID)
		if j.reached[e] == Yes {
			for _, g := range s.Groups {
				f.edge(f.id("sg", g.ID), ep, "tcp/443", false)
			}
		}
	}
	pl := ""
	if j.s3Out == Yes || j.s3 != nil && len(j.s3.on) > 0 {
		pl = f.node("pl", "s3", "S3 prefix list com.amazonaws.REGION.s3")
	}
	if j.s3Out == Yes {
		for _, g := range s.Groups {
			f.edge(f.id("sg", g.ID), pl, "tcp/443", false)
		}
	}
	var gateways []*Endpoint
	if j.vpc != nil {
		gateways = j.m.endpointsIn(j.vpc, "s3", true)
	}
	for _, gw := range gateways {
		if pl == "" {
			pl = f.node("pl", "s3", "S3 prefix list com.amazonaws.REGION.s3")
		}
		g := f.node("gw", gw.ID, "S3 gateway endpoint "+gw.ID)
		f.edge(pl, g, "", false)
		for _, rt := range gw.RouteTables {
			f.edge(g, f.node("rt", rt.ID, "route table "+rt.Name()), "", false)
		}
	}
	var uncovered []string
	for _, sn := range s.Subnets {
		if sn.RouteTable == nil {
			continue
		}
		rt := f.node("rt", sn.RouteTable.ID, "route table "+sn.RouteTable.Name())
		f.edge(rt, f.node("sn", sn.ID, "subnet "+sn.Name()), "", false)
		if !slices.ContainsFunc(gateways, func(gw *Endpoint) bool { return slices.Contains(gw.RouteTables, sn.RouteTable) }) {
			uncovered = append(uncovered, rt)
		}
	}
	for _, fd := range sr.Findings {
		rule := fd.Rule
		switch {
		case missingEndpoint[rule] != "":
			f.edges(from, f.missingNode(missingEndpoint[rule]+" endpoint"), rule)
		case rule == "PRIVATEPULL-S3-EGRESS":
			if pl == "" {
				pl = f.node("pl", "s3", "S3 prefix list com.amazonaws.REGION.s3")
			}
			f.edges(from, pl, rule)
		case (rule == "PRIVATEPULL-S3-GATEWAY" || rule == "PRIVATEPULL-S3-INTERFACE") && len(gateways) > 0 && len(uncovered) > 0:
			for _, rt := range uncovered {
				f.edge(f.id("gw", gateways[0].ID), rt, rule, true)
			}
		case rule == "PRIVATEPULL-S3-GATEWAY" || rule == "PRIVATEPULL-S3-INTERFACE":
			if pl == "" {
				pl = f.node("pl", "s3", "S3 prefix list com.amazonaws.REGION.s3")
			}
			if slices.ContainsFunc(gateways, func(gw *Endpoint) bool { return gw.ID == fd.Resource }) {
				f.edge(pl, f.id("gw", fd.Resource), rule, true)
			} else {
				f.edge(pl, f.missingNode("S3 gateway endpoint"), rule, true)
			}
		case rule == "PRIVATEPULL-ENDPOINT-EGRESS":
			for _, e := range interfaces {
				if j.reached[e] == No {
					f.edges(from, f.id("ep", e.ID), rule)
				}
			}
		case slices.ContainsFunc(interfaces, func(e *Endpoint) bool { return e.ID == fd.Resource }):
			f.edges(from, f.id("ep", fd.Resource), rule)
		case slices.ContainsFunc(gateways, func(e *Endpoint) bool { return e.ID == fd.Resource }):
			f.edge(pl, f.id("gw", fd.Resource), rule, true)
		case fd.Resource == s.ID:
			f.edge(svc, f.node("problem", rule, problemLabel(rule)), rule, true)
		default: // the VPC, the task definition, an endpoint not reached
			f.edge(svc, f.node("res", fd.Resource, fd.Resource), rule, true)
		}
	}
	return f.String()
}

// problemLabel names what a rule on the service itself found.
func problemLabel(rule string) string {
	switch rule {
	case "PRIVATEPULL-PUBLIC-IP":
		return "public IP (AssignPublicIp ENABLED)"
	case "PRIVATEPULL-IMAGE-REGISTRY":
		return "image from a registry no endpoint serves"
	case "PRIVATEPULL-PULL-THROUGH-CACHE":
		return "pull-through cache: first pull needs the internet"
	}
	return rule
}

// flowchart writes a Mermaid flowchart: nodes and edges once each, dashed
// edges in red.
type flowchart struct {
	nodes, edgeLines []string
	seen             map[string]bool
	red              []string
	problems         []string
}

var nonIDChar = regexp.MustCompile(`[^A-Za-z0-9_]`)

func (f *flowchart) id(kind, name string) string {
	return kind + "_" + nonIDChar.ReplaceAllString(name, "_")
}

func (f *flowchart) node(kind, name, label string) string {
	id := f.id(kind, name)
	if !f.seen[id] {
		f.seen[id] = true
		f.nodes = append(f.nodes, fmt.Sprintf("  %s[%q]", id, strings.ReplaceAll(label, `"`, "'")))
		if kind == "missing" || kind == "problem" {
			f.problems = append(f.problems, id)
		}
	}
	return id
}

func (f *flowchart) missingNode(what string) string {
	return f.node("missing", what, what+" (missing)")
}

func (f *flowchart) edge(from, to, label string, dashed bool) {
	arrow := "-->"
	if dashed {
		arrow = "-.->"
	}
	if label != "" {
		arrow += fmt.Sprintf("|%q|", label)
	}
	line := fmt.Sprintf("  %s %s %s", from, arrow, to)
	if f.seen[line] {
		return
	}
	f.seen[line] = true
	if dashed {
		f.red = append(f.red, fmt.Sprint(len(f.edgeLines)))
	}
	f.edgeLines = append(f.edgeLines, line)
}

func (f *flowchart) edges(from []string, to, label string) {
	for _, n := range from {
		f.edge(n, to, label, true)
	}
}

func (f *flowchart) String() string {
	lines := append([]string{"flowchart LR"}, f.nodes...)
	lines = append(lines, f.edgeLines...)
	if len(f.red) > 0 {
		lines = append(lines, "  linkStyle "+strings.Join(f.red, ",")+" stroke:#d00,stroke-width:2px")
	}
	if len(f.problems) > 0 {
		lines = append(lines, "  classDef problem stroke:#d00,stroke-dasharray:5 5", "  class "+strings.Join(f.problems, ",")+" problem")
	}
	return strings.Join(lines, "\n") + "\n"
}
