package privatepull

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// PullPathMermaid draws the pull path of every AWS::ECS::Service of a JSON
// CloudFormation template as a Mermaid flowchart, in Markdown (a heading and
// a ```mermaid block per service, which GitHub renders):
//
//	service -> its security groups -> tcp/443 -> the interface endpoints they reach
//	security groups -> tcp/443 -> S3 prefix list -> S3 gateway endpoint -> route tables -> subnets
//
// Solid edges are what the template provides. Each of findings (what
// CheckTemplate returned for the same file) that concerns the service (on the service itself or on a resource drawn in
// its diagram, such as an endpoint or its VPC) becomes a dashed red edge,
// labelled with the rule id, where the link is missing. YAML templates are
// refused; convert them to JSON first.
func PullPathMermaid(file string, findings []Finding) (string, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return "", err
	}
	if !strings.HasPrefix(strings.TrimSpace(string(raw)), "{") {
		return "", fmt.Errorf("%s: not a JSON template; the pull-path diagram reads JSON only (convert YAML first, e.g. with cfn-flip)", file)
	}
	var tpl cfnTemplate
	if err := json.Unmarshal(raw, &tpl); err != nil {
		return "", fmt.Errorf("%s: not valid JSON: %v", file, err)
	}
	services := tpl.ofType("AWS::ECS::Service")
	if len(services) == 0 {
		return fmt.Sprintf("%s: no AWS::ECS::Service, no pull path to draw\n", file), nil
	}
	var b strings.Builder
	for _, s := range services {
		fmt.Fprintf(&b, "#### Pull path of ECS service %s (%s)\n\n```mermaid\n%s```\n\n", s, file, tpl.servicePath(s).draw(findings))
	}
	return b.String(), nil
}

// cfnTemplate is a parsed CloudFormation template; intrinsics stay as JSON.
type cfnTemplate struct {
	Resources map[string]struct {
		Type       string
		Properties map[string]any
	}
}

// ofType returns the logical ids of the resources of type typ, sorted.
func (t *cfnTemplate) ofType(typ string) []string {
	var ids []string
	for id, r := range t.Resources {
		if r.Type == typ {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func (t *cfnTemplate) props(id string) map[string]any { return t.Resources[id].Properties }

// refTo returns the logical id a Ref or Fn::GetAtt points at when it is a
// resource of type typ, else "".
func (t *cfnTemplate) refTo(v any, typ string) string {
	m, _ := v.(map[string]any)
	id, _ := m["Ref"].(string)
	switch att := m["Fn::GetAtt"].(type) {
	case []any:
		if len(att) > 0 {
			id, _ = att[0].(string)
		}
	case string:
		id, _, _ = strings.Cut(att, ".")
	}
	if r, ok := t.Resources[id]; ok && r.Type == typ {
		return id
	}
	return ""
}

// refsTo returns the resources of type typ that a list (or one value) refers to.
func (t *cfnTemplate) refsTo(v any, typ string) []string {
	var ids []string
	for _, x := range asList(v) {
		if id := t.refTo(x, typ); id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	return ids
}

func asList(v any) []any {
	if l, ok := v.([]any); ok {
		return l
	}
	if v == nil {
		return nil
	}
	return []any{v}
}

// rules returns a security group's inline rules under key (SecurityGroupEgress
// or SecurityGroupIngress) and the standalone rules of type typ on it.
func (t *cfnTemplate) rules(group, key, typ string) []map[string]any {
	var out []map[string]any
	for _, r := range asList(t.props(group)[key]) {
		if m, ok := r.(map[string]any); ok {
			out = append(out, m)
		}
	}
	for _, id := range t.ofType(typ) {
		if t.refTo(t.props(id)["GroupId"], "AWS::EC2::SecurityGroup") == group {
			out = append(out, t.props(id))
		}
	}
	return out
}

// allowsHTTPS reports whether a security group rule covers tcp/443; values
// that are not literals count as covering it, as in the rules.
func allowsHTTPS(r map[string]any) bool {
	if _, intrinsic := r["IpProtocol"].(map[string]any); intrinsic {
		return true
	}
	switch strings.ToLower(fmt.Sprint(r["IpProtocol"])) {
	case "-1":
		return true
	case "tcp", "6":
		from, fromKnown := port(r["FromPort"])
		to, toKnown := port(r["ToPort"])
		return (!fromKnown || from <= 443) && (!toKnown || to >= 443 || to == -1)
	}
	return false
}

// port reads a literal port number, written as a number or a string.
func port(v any) (float64, bool) {
	switch p := v.(type) {
	case float64:
		return p, true
	case string:
		n, err := strconv.ParseFloat(p, 64)
		return n, err == nil
	}
	return 0, false
}

// egress reports whether group sends tcp/443 to a destination that to
// accepts; a group without egress rules allows all egress.
func (t *cfnTemplate) egress(group string, to func(rule map[string]any) bool) bool {
	rules := t.rules(group, "SecurityGroupEgress", "AWS::EC2::SecurityGroupEgress")
	if len(rules) == 0 {
		return true
	}
	return slices.ContainsFunc(rules, func(r map[string]any) bool { return allowsHTTPS(r) && to(r) })
}

// vpc returns the VPC of a resource: the logical id of a VPC in the
// template, or a literal id such as vpc-0123 (an existing VPC).
func (t *cfnTemplate) vpc(id string) string {
	v := t.props(id)["VpcId"]
	if literal, ok := v.(string); ok {
		return literal
	}
	return t.refTo(v, "AWS::EC2::VPC")
}

// endpointService returns the last part of an endpoint's service name
// (com.amazonaws.REGION.ecr.dkr gives "ecr.dkr"), when the template shows it.
func (t *cfnTemplate) endpointService(e string) string {
	name := t.props(e)["ServiceName"]
	if fn, ok := name.(map[string]any); ok {
		name = fn["Fn::Sub"]
		if join, ok := fn["Fn::Join"].([]any); ok && len(join) == 2 {
			if parts, ok := join[1].([]any); ok && len(parts) > 0 {
				name = parts[len(parts)-1] // ".ecr.dkr" after the region
			}
		}
	}
	s, _ := name.(string)
	for _, known := range []string{"ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssmmessages", "ssm", "kms", "s3"} {
		if strings.HasSuffix(s, "."+known) {
			return known
		}
	}
	return ""
}

func (t *cfnTemplate) endpointType(e string) string {
	if typ, ok := t.props(e)["VpcEndpointType"].(string); ok {
		return typ
	}
	return "Gateway" // CloudFormation's default
}

// missingEndpoint names the endpoint each endpoint-existence rule asks for.
var missingEndpoint = map[string]string{
	"PRIVATEPULL-ECR-API":          "ecr.api",
	"PRIVATEPULL-ECR-DKR":          "ecr.dkr",
	"PRIVATEPULL-LOGS-ENDPOINT":    "logs",
	"PRIVATEPULL-SECRETS-ENDPOINT": "secretsmanager / ssm",
	"PRIVATEPULL-EXEC-ENDPOINT":    "ssmmessages",
}

// problemLabel names what a rule on the service itself found, when it is not
// a missing link.
func problemLabel(rule string) string {
	if rule == "PRIVATEPULL-PUBLIC-IP" {
		return "public IP (AssignPublicIp ENABLED)"
	}
	return rule
}

// servicePath is what the template shows of one service's pull path.
type servicePath struct {
	t                       *cfnTemplate
	service, taskDefinition string
	groups, subnets, vpcs   []string
	interfaces, gateways    []string // endpoints in the service's VPCs
}

func (t *cfnTemplate) servicePath(s string) *servicePath {
	p := &servicePath{t: t, service: s}
	p.taskDefinition = t.refTo(t.props(s)["TaskDefinition"], "AWS::ECS::TaskDefinition")
	cfg, _ := t.props(s)["NetworkConfiguration"].(map[string]any)
	cfg, _ = cfg["AwsvpcConfiguration"].(map[string]any)
	p.groups = t.refsTo(cfg["SecurityGroups"], "AWS::EC2::SecurityGroup")
	p.subnets = t.refsTo(cfg["Subnets"], "AWS::EC2::Subnet")
	for _, id := range slices.Concat(p.subnets, p.groups) {
		if v := t.vpc(id); v != "" && !slices.Contains(p.vpcs, v) {
			p.vpcs = append(p.vpcs, v)
		}
	}
	for _, e := range t.ofType("AWS::EC2::VPCEndpoint") {
		service := t.endpointService(e)
		if service == "" || !slices.Contains(p.vpcs, t.vpc(e)) {
			continue
		}
		switch {
		case service == "s3" && t.endpointType(e) == "Gateway":
			p.gateways = append(p.gateways, e)
		case service != "s3" && t.endpointType(e) == "Interface":
			p.interfaces = append(p.interfaces, e)
		}
	}
	return p
}

// egressTo reports whether group g sends tcp/443 to interface endpoint e.
func (p *servicePath) egressTo(g, e string) bool {
	epGroups := p.t.refsTo(p.t.props(e)["SecurityGroupIds"], "AWS::EC2::SecurityGroup")
	return p.t.egress(g, func(r map[string]any) bool {
		dst := p.t.refTo(r["DestinationSecurityGroupId"], "AWS::EC2::SecurityGroup")
		return r["CidrIp"] != nil || (r["DestinationSecurityGroupId"] != nil && (dst == "" || slices.Contains(epGroups, dst)))
	})
}

// admitted reports whether interface endpoint e takes tcp/443 from the
// service's groups (a source the template does not show counts as admitted).
func (p *servicePath) admitted(e string) bool {
	epGroups := p.t.refsTo(p.t.props(e)["SecurityGroupIds"], "AWS::EC2::SecurityGroup")
	return len(epGroups) == 0 || slices.ContainsFunc(epGroups, func(eg string) bool {
		return slices.ContainsFunc(p.t.rules(eg, "SecurityGroupIngress", "AWS::EC2::SecurityGroupIngress"), func(r map[string]any) bool {
			src := p.t.refTo(r["SourceSecurityGroupId"], "AWS::EC2::SecurityGroup")
			return allowsHTTPS(r) && (src == "" || slices.Contains(p.groups, src))
		})
	})
}

// egressToS3 reports whether group g sends tcp/443 to the S3 prefix list.
func (p *servicePath) egressToS3(g string) bool {
	return p.t.egress(g, func(r map[string]any) bool {
		return r["DestinationPrefixListId"] != nil || r["CidrIp"] == "0.0.0.0/0"
	})
}

// draw returns the flowchart (without the fence): solid edges for what the
// template has, dashed red ones for the findings about the service.
func (p *servicePath) draw(findings []Finding) string {
	t, f := p.t, &flowchart{seen: map[string]bool{}}
	svc := f.node("svc", p.service, "ECS service "+p.service)
	from := []string{svc} // where missing network links start: the groups
	if len(p.groups) > 0 {
		from = nil
	}
	for _, g := range p.groups {
		from = append(from, f.node("sg", g, "security group "+g))
		f.edge(svc, f.id("sg", g), "", false)
	}

	unreached := []string{} // interface endpoints no group sends to
	for _, e := range p.interfaces {
		ep := f.node("ep", e, t.endpointService(e)+" endpoint "+e)
		reached := false
		for _, g := range p.groups {
			if p.egressTo(g, e) {
				reached = true
				if p.admitted(e) {
					f.edge(f.id("sg", g), ep, "tcp/443", false)
				}
			}
		}
		if !reached {
			unreached = append(unreached, ep)
		}
	}

	pl := f.node("pl", "s3", "S3 prefix list com.amazonaws.REGION.s3")
	for _, g := range p.groups {
		if p.egressToS3(g) {
			f.edge(f.id("sg", g), pl, "tcp/443", false)
		}
	}
	gatewayOf := map[string]string{} // route table -> gateway node
	for _, gw := range p.gateways {
		gwNode := f.node("gw", gw, "S3 gateway endpoint "+gw)
		f.edge(pl, gwNode, "", false)
		for _, x := range asList(t.props(gw)["RouteTableIds"]) {
			if literal, ok := x.(string); ok { // an existing VPC's table
				f.edge(gwNode, f.node("rt", literal, "route table "+literal), "", false)
			} else if rt := t.refTo(x, "AWS::EC2::RouteTable"); rt != "" {
				gatewayOf[rt] = gwNode
			}
		}
	}
	var tablesWithoutGateway []string
	for _, a := range t.ofType("AWS::EC2::SubnetRouteTableAssociation") {
		sn := t.refTo(t.props(a)["SubnetId"], "AWS::EC2::Subnet")
		rt := t.refTo(t.props(a)["RouteTableId"], "AWS::EC2::RouteTable")
		if !slices.Contains(p.subnets, sn) || rt == "" {
			continue
		}
		rtNode := f.node("rt", rt, "route table "+rt)
		if gwNode, ok := gatewayOf[rt]; ok {
			f.edge(gwNode, rtNode, "", false)
		} else {
			tablesWithoutGateway = append(tablesWithoutGateway, rtNode)
		}
		f.edge(rtNode, f.node("sn", sn, "subnet "+sn), "", false)
	}

	related := slices.Concat(p.interfaces, p.gateways, p.vpcs, []string{p.taskDefinition})
	for _, fd := range findings {
		if !concerns(fd, p.service, related) {
			continue
		}
		rule := fd.RuleID
		switch {
		case missingEndpoint[rule] != "":
			f.edges(from, f.missingNode(missingEndpoint[rule]+" endpoint"), rule)
		case rule == "PRIVATEPULL-S3-EGRESS":
			f.edges(from, pl, rule)
		case rule == "PRIVATEPULL-S3-GATEWAY" && len(p.gateways) > 0 && len(tablesWithoutGateway) > 0:
			for _, rt := range tablesWithoutGateway {
				f.edge(f.id("gw", p.gateways[0]), rt, rule, true)
			}
		case rule == "PRIVATEPULL-S3-GATEWAY" || rule == "PRIVATEPULL-S3-INTERFACE":
			f.edge(pl, f.missingNode("S3 gateway endpoint"), rule, true)
		case rule == "PRIVATEPULL-ENDPOINT-EGRESS" && len(unreached) > 0:
			for _, ep := range unreached {
				f.edges(from, ep, rule)
			}
		case rule == "PRIVATEPULL-ENDPOINT-EGRESS":
			f.edges(from, f.missingNode("interface endpoint"), rule)
		case slices.Contains(p.interfaces, fd.Resource):
			f.edges(from, f.id("ep", fd.Resource), rule)
		case slices.Contains(p.gateways, fd.Resource):
			f.edge(pl, f.id("gw", fd.Resource), rule, true)
		case fd.Resource == p.service:
			f.edge(svc, f.node("problem", rule, problemLabel(rule)), rule, true)
		default: // the VPC, the task definition
			typ := strings.TrimPrefix(t.Resources[fd.Resource].Type, "AWS::")
			f.edge(svc, f.node("res", fd.Resource, typ+" "+fd.Resource), rule, true)
		}
	}
	return f.String()
}

// concerns reports whether finding fd belongs in the diagram of service s:
// it is on s, or on a resource of the diagram (an endpoint, the VPC, the task
// definition) and names s or no service.
func concerns(fd Finding, s string, related []string) bool {
	if fd.Resource == s {
		return true
	}
	namesS := regexp.MustCompile(`\b` + regexp.QuoteMeta(s) + `\b`).MatchString(fd.Message)
	return slices.Contains(related, fd.Resource) && (namesS || !strings.Contains(fd.Message, "ECS service"))
}

// flowchart writes a Mermaid flowchart: nodes and edges once each, dashed
// edges in red.
type flowchart struct {
	nodes, edgeLines []string
	seen             map[string]bool // node ids and edge lines written
	red              []string        // indexes of the dashed edges
	problems         []string        // ids of the nodes for what is missing or wrong
}

var nonIdChar = regexp.MustCompile(`[^A-Za-z0-9_]`)

func (f *flowchart) id(kind, name string) string {
	return kind + "_" + nonIdChar.ReplaceAllString(name, "_")
}

// node declares a node once and returns its id.
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

// missingNode declares a node for something the template lacks.
func (f *flowchart) missingNode(what string) string {
	return f.node("missing", what, what+" (missing)")
}

// edge adds an edge once; dashed edges are the missing links, drawn red.
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

// edges adds a dashed red edge from each of from to to.
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
