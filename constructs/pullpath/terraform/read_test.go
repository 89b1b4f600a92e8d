package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

func readTF(t *testing.T, name string, opts ...Options) *pullpath.Model {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	m, err := Read(filepath.Join("..", "testdata", "terraform", name), o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// writeTF writes files into a new root module and reads it.
func writeTF(t *testing.T, files map[string]string, opts ...Options) *pullpath.Model {
	t.Helper()
	dir := t.TempDir()
	for name, src := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	m, err := Read(dir, o)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func tfFind[T interface{ Base() *pullpath.Node }](t *testing.T, list []T, id string) T {
	t.Helper()
	for _, x := range list {
		if x.Base().ID == id {
			return x
		}
	}
	var ids []string
	for _, x := range list {
		ids = append(ids, x.Base().ID)
	}
	t.Fatalf("no %s among %q", id, ids)
	var zero T
	return zero
}

// tfRules writes rules as "proto/from-to->peer".
func tfRules(rs []*pullpath.Rule) []string {
	var out []string
	for _, r := range rs {
		peer := r.CIDR.String()
		switch {
		case r.Group != nil:
			peer = "sg:" + r.Group.Name()
		case r.PrefixList != "":
			peer = "pl:" + r.PrefixList
		case r.PeerWhy != "":
			peer = "?"
		}
		ports := "?"
		if r.PortsKnown {
			ports = itoa(r.From) + "-" + itoa(r.To)
		}
		out = append(out, r.Proto+"/"+ports+"->"+peer)
	}
	return out
}

func itoa(i int) string {
	if i < 0 {
		return "-" + itoa(-i)
	}
	if i < 10 {
		return string(rune('0' + i))
	}
	return itoa(i/10) + string(rune('0'+i%10))
}

func eq(t *testing.T, what string, got, want any) {
	t.Helper()
	if g, w := strings.TrimSpace(strings.ReplaceAll(sprint(got), "\n", " ")), sprint(want); g != w {
		t.Errorf("%s = %s, want %s", what, g, w)
	}
}

func sprint(v any) string {
	switch x := v.(type) {
	case []string:
		return "[" + strings.Join(x, " ") + "]"
	case string:
		return x
	case bool:
		if x {
			return "true"
		}
		return "false"
	case pullpath.Tri:
		return tfTri(x)
	case int:
		return itoa(x)
	}
	return "?"
}

func TestTerraformWriteup(t *testing.T) {
	broken := readTF(t, "writeup-broken")
	fixed := readTF(t, "writeup-fixed")
	for _, m := range []*pullpath.Model{broken, fixed} {
		in := m.Inputs[0]
		eq(t, "dialect", in.Dialect.Placeholder(pullpath.Region), "${REGION}")
		eq(t, "region", in.Region, "eu-west-1")
		v := tfFind(t, m.VPCs, "aws_vpc.main")
		eq(t, "dns support", v.DNSSupport, pullpath.Yes)
		eq(t, "dns hostnames", v.DNSHostnames, pullpath.Yes)
		eq(t, "vpc cidr", v.CIDRs[0].String(), "10.0.0.0/16")
		eq(t, "main table", v.MainRouteTable.ID, "aws_vpc.main (main route table)")
		eq(t, "main", v.MainRouteTable.Main, true)
		s := tfFind(t, m.Subnets, "aws_subnet.private[1]")
		eq(t, "subnet cidr", s.CIDR.String(), "10.0.1.0/24")
		eq(t, "subnet table", s.RouteTable.ID, "aws_route_table.private")
		eq(t, "associated", s.Associated, true)
		if s.VPC != v || s.In != in {
			t.Error("the subnet is not linked to its VPC and input")
		}
		for _, id := range []string{"aws_vpc_endpoint.ecr_api", "aws_vpc_endpoint.ecr_dkr", "aws_vpc_endpoint.logs"} {
			e := tfFind(t, m.Endpoints, id)
			eq(t, id+" type", e.Type, "Interface")
			eq(t, id+" private DNS", e.PrivateDNS, pullpath.Yes)
			eq(t, id+" groups", len(e.Groups), 1)
			eq(t, id+" subnets", len(e.Subnets), 2)
		}
		e := tfFind(t, m.Endpoints, `aws_vpc_endpoint.ecr_dkr`)
		eq(t, "service", e.Service, "ecr.dkr")
		eq(t, "service name", e.ServiceName, "com.amazonaws.eu-west-1.ecr.dkr")
		s3 := tfFind(t, m.Endpoints, "aws_vpc_endpoint.s3")
		eq(t, "s3 type", s3.Type, "Gateway")
		eq(t, "s3 tables", s3.RouteTables[0].ID, "aws_route_table.private")
		eg := tfFind(t, m.Groups, "aws_security_group.endpoints")
		eq(t, "endpoint ingress", tfRules(eg.Ingress), []string{"tcp/443-443->sg:aws_security_group.task"})
		eq(t, "endpoint egress", tfRules(eg.Egress), []string{})
		eq(t, "default egress", eg.DefaultEgress, false)
		sv := tfFind(t, m.Services, "aws_ecs_service.app")
		eq(t, "launch", sv.LaunchType, "FARGATE")
		eq(t, "awsvpc", sv.Awsvpc, true)
		eq(t, "public ip", sv.PublicIP, pullpath.No)
		eq(t, "exec", sv.Exec, pullpath.No)
		eq(t, "cluster", sv.Cluster.ID, "aws_ecs_cluster.main")
		eq(t, "file", filepath.Base(sv.File), "ecs.tf")
		eq(t, "line", sv.Line, 76)
		eq(t, "task", sv.Task.ID, "aws_ecs_task_definition.app")
		eq(t, "network mode", sv.Task.NetworkMode, "awsvpc")
		c := sv.Task.Containers[0]
		eq(t, "image", c.Image, "${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/app:v1")
		eq(t, "log driver", c.LogDriver, "awslogs")
		role := sv.Task.ExecRole
		eq(t, "role", role.ID, "aws_iam_role.execution")
		eq(t, "policy", role.Policies[0].Name, "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy")
		eq(t, "actions", role.Policies[0].Statements[0].Actions, []string{"ecr:GetAuthorizationToken",
			"ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage", "logs:CreateLogStream", "logs:PutLogEvents"})
	}
	tg := tfFind(t, broken.Groups, "aws_security_group.task")
	eq(t, "broken task egress", tfRules(tg.Egress), []string{"tcp/443-443->sg:aws_security_group.endpoints"})
	eq(t, "rule id", tg.Egress[0].ID, "aws_security_group_rule.task_to_endpoints")
	tg = tfFind(t, fixed.Groups, "aws_security_group.task")
	eq(t, "fixed task egress", tfRules(tg.Egress), []string{"tcp/443-443->sg:aws_security_group.endpoints", "tcp/443-443->pl:data.aws_prefix_list.s3"})
	eq(t, "prefix list name", tg.Egress[1].PrefixListName, "com.amazonaws.eu-west-1.s3")
}

func TestTerraformNAT(t *testing.T) {
	m := readTF(t, "nat")
	for _, id := range []string{"aws_route_table.private_a", "aws_route_table.private_b"} {
		rt := tfFind(t, m.RouteTables, id)
		if len(rt.Routes) != 1 || rt.Routes[0].Target != pullpath.TargetNAT || rt.Routes[0].Dest.String() != "0.0.0.0/0" ||
			rt.Routes[0].TargetID != "aws_nat_gateway.this" {
			t.Errorf("%s routes = %+v, want 0.0.0.0/0 to the NAT gateway", id, rt.Routes)
		}
	}
	pub := tfFind(t, m.RouteTables, "aws_route_table.public")
	eq(t, "public target", pub.Routes[0].Target, pullpath.TargetIGW)
	v := tfFind(t, m.VPCs, "aws_vpc.this")
	eq(t, "dns support default", v.DNSSupport, pullpath.Yes)
	b := tfFind(t, m.Services, "aws_ecs_service.b")
	eq(t, "cluster by name", b.Cluster.ID, "aws_ecs_cluster.this")
	eq(t, "task by family:revision", b.Task.ID, "aws_ecs_task_definition.web")
	eq(t, "image from file()", b.Task.Containers[0].Image, "public.ecr.aws/nginx/nginx:1.27")
	eq(t, "task egress", tfRules(tfFind(t, m.Groups, "aws_security_group.task").Egress), []string{"-1/0-65535->0.0.0.0/0"})
	eq(t, "managed_policy_arns", len(b.Task.ExecRole.Policies), 1)
}

func TestTerraformInlineVsStandalone(t *testing.T) {
	m := readTF(t, "inline-vs-standalone")
	in := tfFind(t, m.Groups, "aws_security_group.inline")
	st := tfFind(t, m.Groups, "aws_security_group.standalone")
	eq(t, "inline", tfRules(in.Egress), []string{"tcp/443-443->sg:aws_security_group.endpoints", "tcp/443-443->pl:data.aws_prefix_list.s3"})
	eq(t, "standalone", tfRules(st.Egress), []string{"tcp/443-443->sg:aws_security_group.endpoints", "tcp/443-443->pl:aws_vpc_endpoint.s3.prefix_list_id"})
	eq(t, "inline rule ids", in.Egress[0].ID+in.Egress[1].ID, "")
	eq(t, "standalone rule ids", st.Egress[0].ID+" "+st.Egress[1].ID,
		"aws_security_group_rule.standalone_to_endpoints aws_vpc_security_group_egress_rule.standalone_to_s3")
	eq(t, "filter name", in.Egress[1].PrefixListName, "com.amazonaws.eu-central-1.s3")
	eq(t, "endpoint prefix list name", st.Egress[1].PrefixListName, "com.amazonaws.eu-central-1.s3")
	ep := tfFind(t, m.Groups, "aws_security_group.endpoints")
	eq(t, "endpoint ingress", tfRules(ep.Ingress), []string{"tcp/443-443->var.vpc_cidr", "tcp/443-443->sg:aws_security_group.standalone"})
	// The VPC block is a variable with no value: a rule naming
	// aws_vpc.main.cidr_block is the same symbol, and the subnet lies in it.
	v := tfFind(t, m.VPCs, "aws_vpc.main")
	sub := tfFind(t, m.Subnets, "aws_subnet.a")
	eq(t, "vpc sym", v.CIDRs[0].Sym, "var.vpc_cidr")
	eq(t, "subnet in", sub.CIDR.In, "var.vpc_cidr")
	eq(t, "rule covers vpc", ep.Ingress[0].CIDR.Covers(v.CIDRs[0]), pullpath.Yes)
	eq(t, "rule covers subnet", ep.Ingress[0].CIDR.Covers(sub.CIDR), pullpath.Yes)
	role := tfFind(t, m.Roles, "aws_iam_role.execution")
	p := role.Policies[0]
	eq(t, "policy document statements", len(p.Statements), 3)
	eq(t, "repository arn", p.Statements[1].Resources, []string{"arn:aws:ecr:eu-central-1:${ACCOUNT}:repository/app"})
}

func TestTerraformLocalModule(t *testing.T) {
	m := readTF(t, "local-module")
	sv := tfFind(t, m.Services, "module.app.aws_ecs_service.this")
	eq(t, "file", filepath.ToSlash(sv.File), "../testdata/terraform/local-module/modules/app/main.tf")
	eq(t, "subnets", len(sv.Subnets), 2)
	eq(t, "subnet", sv.Subnets[0].ID, "module.network.aws_subnet.private[0]")
	eq(t, "subnet table", sv.Subnets[0].RouteTable.ID, "module.network.aws_route_table.private")
	eq(t, "exec", sv.Exec, pullpath.Yes)
	eq(t, "ack", sv.Acks["PRIVATEPULL-EXEC-ENDPOINT"], "ECS Exec is for debugging only")
	tg := tfFind(t, m.Groups, "module.app.aws_security_group.task")
	eq(t, "egress", tfRules(tg.Egress), []string{"tcp/443-443->sg:module.network.aws_security_group.endpoints",
		"tcp/443-443->pl:module.network.aws_vpc_endpoint.s3.prefix_list_id"})
	eq(t, "vpc through a variable", tg.VPC.ID, "module.network.aws_vpc.this")
	ep := tfFind(t, m.Groups, "module.network.aws_security_group.endpoints")
	eq(t, "cross-module ingress", tfRules(ep.Ingress), []string{"tcp/443-443->sg:module.app.aws_security_group.task"})
	s3 := tfFind(t, m.Endpoints, "module.network.aws_vpc_endpoint.s3")
	eq(t, "route table association", s3.RouteTables[0].ID, "module.network.aws_route_table.private")
	eq(t, "templatefile image", sv.Task.Containers[0].Image, "${ACCOUNT}.dkr.ecr.ap-southeast-2.amazonaws.com/shop:1.4.2")
	eq(t, "endpoint key", tfFind(t, m.Endpoints, `module.network.aws_vpc_endpoint.interface["ecr.dkr"]`).Service, "ecr.dkr")
	eq(t, "hidden", m.Inputs[0].Hidden, []string{})
}

func TestTerraformCountForEach(t *testing.T) {
	m := readTF(t, "count-foreach")
	for _, id := range []string{"aws_subnet.private[0]", "aws_subnet.private[1]", "aws_subnet.private[2]"} {
		s := tfFind(t, m.Subnets, id)
		eq(t, id+" table", s.RouteTable.ID, "aws_route_table.private")
	}
	eq(t, "subnet cidr from count.index", tfFind(t, m.Subnets, "aws_subnet.private[2]").CIDR.String(), "10.9.12.0/24")
	var svcs []string
	for _, s := range m.Services {
		svcs = append(svcs, s.ID)
	}
	eq(t, "services", svcs, []string{`aws_ecs_service.svc["api"]`, `aws_ecs_service.svc["web"]`})
	web := tfFind(t, m.Services, `aws_ecs_service.svc["web"]`)
	eq(t, "web task", web.Task.ID, `aws_ecs_task_definition.svc["web"]`)
	eq(t, "web image", web.Task.Containers[0].Image, "${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/web:1")
	for _, e := range m.Endpoints {
		if strings.Contains(e.ID, "ssm") {
			t.Errorf("count = 0 made %s", e.ID)
		}
	}
	eq(t, "endpoints", len(m.Endpoints), 4)
	// count = var.enable_nat ? 1 : 0 with no value: the route may exist.
	rt := tfFind(t, m.RouteTables, "aws_route_table.private")
	eq(t, "unknown route why", rt.RoutesWhy, "aws_route.nat[*] may exist zero or many times (the variable enable_nat)")
	eq(t, "nat target", rt.Routes[0].TargetID, "aws_nat_gateway.this[*]")
	eg := tfFind(t, m.Groups, "aws_security_group.endpoints")
	eq(t, "for expression over instances", tfRules(eg.Ingress), []string{"tcp/443-443->10.9.10.0/24", "tcp/443-443->10.9.11.0/24", "tcp/443-443->10.9.12.0/24"})
}

func TestTerraformUnknownCount(t *testing.T) {
	m := writeTF(t, map[string]string{"main.tf": `
variable "n" { type = number }
resource "aws_security_group" "task" {}
resource "aws_ecs_service" "web" {
  count = var.n
  name  = "web-${count.index}"
  network_configuration {
    subnets         = ["subnet-0abc"]
    security_groups = [aws_security_group.task.id]
  }
}
`})
	s := tfFind(t, m.Services, "aws_ecs_service.web[*]")
	eq(t, "count why", s.CountWhy, "the variable n")
	eq(t, "literal subnet", s.Subnets[0].Ext, "subnet-0abc")
	eq(t, "no task", s.TaskWhy, "no task definition")
}

func TestTerraformTfvars(t *testing.T) {
	m := readTF(t, "tfvars")
	eq(t, "region", m.Inputs[0].Region, "us-west-2")
	v := tfFind(t, m.VPCs, "aws_vpc.main")
	eq(t, "cidr from terraform.tfvars", v.CIDRs[0].String(), "10.50.0.0/16")
	eq(t, "dns hostnames from auto.tfvars", v.DNSHostnames, pullpath.Yes)
	eq(t, "subnets from auto.tfvars", len(m.Subnets), 2)
	image := func(m *pullpath.Model) string { return m.Services[0].Task.Containers[0].Image }
	eq(t, "image", image(m), "${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/app:from-tfvars")
	eq(t, "prefix list", tfFind(t, m.Groups, "aws_security_group.task").Egress[1].PrefixListName, "com.amazonaws.us-west-2.s3")

	dir := filepath.Join("..", "testdata", "terraform", "tfvars")
	m = readTF(t, "tfvars", Options{VarFiles: []string{filepath.Join(dir, "extra.tfvars.json")}})
	eq(t, "-var-file beats tfvars", image(m), "${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/app:from-var-file")
	m = readTF(t, "tfvars", Options{VarFiles: []string{filepath.Join(dir, "extra.tfvars.json")}, Vars: []string{"image_tag=cli"},
		Env: []string{"TF_VAR_image_tag=env", "TF_VAR_region=ap-south-1"}})
	eq(t, "-var beats -var-file", image(m), "${ACCOUNT}.dkr.ecr.us-west-2.amazonaws.com/app:cli")
	eq(t, "tfvars beat TF_VAR_", m.Inputs[0].Region, "us-west-2")

	// TF_VAR_ beats a default; -var with a list type is parsed.
	m = writeTF(t, map[string]string{"main.tf": `
variable "region" { default = "eu-west-1" }
variable "cidrs" { type = list(string) }
provider "aws" { region = var.region }
resource "aws_vpc" "v" { cidr_block = var.cidrs[1] }
`}, Options{Env: []string{"TF_VAR_region=sa-east-1"}, Vars: []string{`cidrs=["10.0.0.0/16","10.1.0.0/16"]`}})
	eq(t, "TF_VAR_ region", m.Inputs[0].Region, "sa-east-1")
	eq(t, "list -var", m.VPCs[0].CIDRs[0].String(), "10.1.0.0/16")
}

func TestTerraformMainRouteTable(t *testing.T) {
	m := readTF(t, "main-route-table")
	s := tfFind(t, m.Subnets, "aws_subnet.tasks")
	if s.RouteTable != nil || s.Associated || s.RouteTableWhy != "" {
		t.Errorf("task subnet: table %v associated %v why %q, want left to the main table", s.RouteTable, s.Associated, s.RouteTableWhy)
	}
	v := tfFind(t, m.VPCs, "aws_vpc.main")
	eq(t, "main table", v.MainRouteTable.ID, "aws_vpc.main (main route table)")
	eq(t, "main routes", len(v.MainRouteTable.Routes), 0)
	eq(t, "main table in the model", tfFind(t, m.RouteTables, "aws_vpc.main (main route table)") == v.MainRouteTable, true)
	s3 := tfFind(t, m.Endpoints, "aws_vpc_endpoint.s3")
	eq(t, "s3 on the public table", s3.RouteTables[0].ID, "aws_route_table.public")
	eq(t, "standalone igw route", tfFind(t, m.RouteTables, "aws_route_table.public").Routes[0].Target, pullpath.TargetIGW)

	// aws_default_route_table manages the main table; main_route_table_id
	// names it.
	m = writeTF(t, map[string]string{"main.tf": `
resource "aws_vpc" "a" { cidr_block = "10.0.0.0/16" }
resource "aws_default_route_table" "a" {
  default_route_table_id = aws_vpc.a.default_route_table_id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = "nat-0123456789abcdef0"
  }
}
resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.a.id
  service_name    = "com.amazonaws.us-east-1.s3"
  route_table_ids = [aws_vpc.a.main_route_table_id]
}
resource "aws_vpc" "b" { cidr_block = "10.1.0.0/16" }
resource "aws_route_table" "b" { vpc_id = aws_vpc.b.id }
resource "aws_main_route_table_association" "b" {
  vpc_id         = aws_vpc.b.id
  route_table_id = aws_route_table.b.id
}
resource "aws_route" "b" {
  route_table_id         = aws_vpc.b.main_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = "igw-0abc"
}
`})
	a := tfFind(t, m.VPCs, "aws_vpc.a")
	eq(t, "default route table", a.MainRouteTable.ID, "aws_default_route_table.a")
	eq(t, "its main", a.MainRouteTable.Main, true)
	eq(t, "its route", a.MainRouteTable.Routes[0].Target, pullpath.TargetNAT)
	eq(t, "s3 on main_route_table_id", tfFind(t, m.Endpoints, "aws_vpc_endpoint.s3").RouteTables[0].ID, "aws_default_route_table.a")
	b := tfFind(t, m.VPCs, "aws_vpc.b")
	eq(t, "main association", b.MainRouteTable.ID, "aws_route_table.b")
	eq(t, "its main", b.MainRouteTable.Main, true)
	eq(t, "route to main table", b.MainRouteTable.Routes[0].Target, pullpath.TargetIGW)
	for _, rt := range m.RouteTables {
		if strings.HasSuffix(rt.ID, "(main route table)") {
			t.Errorf("made %s although the main table is named", rt.ID)
		}
	}
}

func TestTerraformPrivateDNSDefault(t *testing.T) {
	m := readTF(t, "private-dns-default")
	for _, e := range m.Endpoints {
		if e.Service == "s3" {
			eq(t, "s3 type default", e.Type, "Gateway")
			continue
		}
		eq(t, e.ID+" private DNS default", e.PrivateDNS, pullpath.No)
		eq(t, e.ID+" type", e.Type, "Interface")
	}
	eq(t, "s3 prefix list by endpoint", tfFind(t, m.Groups, "aws_security_group.task").Egress[0].PrefixListName, "com.amazonaws.eu-west-3.s3")
}

func TestTerraformNoEgressBlock(t *testing.T) {
	m := readTF(t, "no-egress-block")
	g := tfFind(t, m.Groups, "aws_security_group.task")
	eq(t, "egress", len(g.Egress), 0)
	eq(t, "egress why", g.EgressWhy, "")
	eq(t, "default egress", g.DefaultEgress, false)
	eq(t, "ingress", tfRules(g.Ingress), []string{"tcp/8080-8080->10.4.0.0/16"})
}

func TestTerraformRepositoryURL(t *testing.T) {
	m := readTF(t, "ecr-repository-url")
	app := tfFind(t, m.Services, "aws_ecs_service.app")
	eq(t, "interpolated", app.Task.Containers[0].Image, "${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/team/app:v1")
	eq(t, "format()", app.Task.Containers[1].Image, "${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/team/app:2024.06")
	eq(t, "image why", app.Task.Containers[0].ImageWhy, "")
	other := tfFind(t, m.Services, "aws_ecs_service.elsewhere")
	eq(t, "provider alias region", other.Task.Containers[0].Image, "${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/team/elsewhere:v1")
	eq(t, "vpc rule resource", tfFind(t, m.Groups, "aws_security_group.task").Egress[0].CIDR.String(), "0.0.0.0/0")

	// A known account (allowed_account_ids) and an unknown image.
	m = writeTF(t, map[string]string{"main.tf": `
provider "aws" {
  region              = "cn-north-1"
  allowed_account_ids = ["123456789012"]
}
variable "image" {}
resource "aws_ecr_repository" "r" { name = "r" }
resource "aws_ecs_task_definition" "t" {
  family = "t"
  container_definitions = jsonencode([
    { name = "a", image = aws_ecr_repository.r.repository_url },
    { name = "b", image = var.image },
  ])
}
`})
	eq(t, "account", m.Inputs[0].Account, "123456789012")
	c := m.TaskDefs[0].Containers
	eq(t, "china host", c[0].Image, "123456789012.dkr.ecr.cn-north-1.amazonaws.com.cn/r")
	eq(t, "variable image", c[1].Image, "${var.image}")
	eq(t, "variable image why", c[1].ImageWhy, "the variable image")
}

func TestTerraformExternal(t *testing.T) {
	m := writeTF(t, map[string]string{"main.tf": `
data "aws_vpc" "main" {
  tags = { Name = "main" }
}
data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.main.id]
  }
}
data "aws_security_group" "shared" {
  name = "shared"
}
data "terraform_remote_state" "net" {
  backend = "s3"
}
variable "vpc_id" {}
resource "aws_security_group" "task" {
  vpc_id = data.aws_vpc.main.id
}
resource "aws_security_group_rule" "shared_in" {
  type                     = "ingress"
  from_port                = 443
  to_port                  = 443
  protocol                 = "tcp"
  security_group_id        = data.aws_security_group.shared.id
  source_security_group_id = aws_security_group.task.id
}
resource "aws_vpc_endpoint" "ecr" {
  vpc_id            = var.vpc_id
  service_name      = "com.amazonaws.${data.terraform_remote_state.net.outputs.region}.ecr.dkr"
  vpc_endpoint_type = "Interface"
  subnet_ids        = data.terraform_remote_state.net.outputs.private_subnets
}
resource "aws_ecs_service" "a" {
  cluster = "arn:aws:ecs:us-east-1:123456789012:cluster/shared"
  task_definition = "web:12"
  network_configuration {
    subnets = data.aws_subnets.private.ids
  }
}
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}
module "git" {
  source = "git::https://example.com/net.git"
}
resource "aws_ecs_service" "b" {
  network_configuration {
    subnets         = [module.vpc.private_subnets[0]]
    security_groups = [module.git.sg_id]
  }
}
`})
	g := tfFind(t, m.Groups, "aws_security_group.task")
	eq(t, "data vpc", g.VPC.Ext, "the data source data.aws_vpc.main (data sources of type aws_vpc are read only by Terraform at plan time)")
	sh := tfFind(t, m.Groups, "data.aws_security_group.shared.id")
	eq(t, "data group", sh.Ext, "the data source data.aws_security_group.shared (data sources of type aws_security_group are read only by Terraform at plan time)")
	eq(t, "rule on an outside group", tfRules(sh.Ingress), []string{"tcp/443-443->sg:aws_security_group.task"})
	eq(t, "its other rules", sh.IngressWhy, "the data source data.aws_security_group.shared (data sources of type aws_security_group are read only by Terraform at plan time)")
	e := tfFind(t, m.Endpoints, "aws_vpc_endpoint.ecr")
	eq(t, "variable vpc", e.VPC.Ext, "the variable vpc_id")
	eq(t, "remote state service", e.Service, "ecr.dkr")
	eq(t, "remote state subnets", e.SubnetsWhy, "the data source data.terraform_remote_state.net (data sources of type terraform_remote_state are read only by Terraform at plan time)")
	eq(t, "default group of an outside VPC", e.Groups[0].Ext, "the default security group of the variable vpc_id")
	a := tfFind(t, m.Services, "aws_ecs_service.a")
	eq(t, "data subnets", a.SubnetsWhy, "the data source data.aws_subnets.private (data sources of type aws_subnets are read only by Terraform at plan time)")
	eq(t, "cluster arn", a.Cluster.Ext, "the cluster arn:aws:ecs:us-east-1:123456789012:cluster/shared")
	eq(t, "task family", a.TaskWhy, "the task definition web:12, not in the configuration")
	eq(t, "default group", a.Groups[0].Ext, "the default security group of the service's VPC")
	b := tfFind(t, m.Services, "aws_ecs_service.b")
	eq(t, "registry module output", b.SubnetsWhy, "the output private_subnets of module.vpc (registry module not initialised: run terraform init)")
	eq(t, "git module output", b.Groups[0].Ext, "the output sg_id of module.git (remote module git::https://example.com/net.git not initialised: run terraform init)")
	eq(t, "hidden", m.Inputs[0].Hidden, []string{"module.vpc (registry module not initialised: run terraform init)",
		"module.git (remote module git::https://example.com/net.git not initialised: run terraform init)"})
}

func TestTerraformInitialisedModule(t *testing.T) {
	m := writeTF(t, map[string]string{
		"main.tf": `
provider "aws" { region = "us-east-2" }
module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
  cidr   = "10.7.0.0/16"
}
resource "aws_vpc_endpoint" "s3" {
  vpc_id          = module.vpc.vpc_id
  service_name    = "com.amazonaws.us-east-2.s3"
  route_table_ids = module.vpc.private_route_table_ids
}
`,
		".terraform/modules/modules.json": `{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"vpc","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Dir":".terraform/modules/vpc"}]}`,
		".terraform/modules/vpc/main.tf": `
variable "cidr" {}
resource "aws_vpc" "this" {
  count                = 1
  cidr_block           = var.cidr
  enable_dns_hostnames = true
}
resource "aws_route_table" "private" {
  count  = 2
  vpc_id = aws_vpc.this[0].id
}
output "vpc_id" { value = try(aws_vpc.this[0].id, "") }
output "private_route_table_ids" { value = aws_route_table.private[*].id }
`,
	})
	e := tfFind(t, m.Endpoints, "aws_vpc_endpoint.s3")
	eq(t, "vpc from an initialised module", e.VPC.ID, "module.vpc.aws_vpc.this[0]")
	eq(t, "cidr", e.VPC.CIDRs[0].String(), "10.7.0.0/16")
	eq(t, "tables", len(e.RouteTables), 2)
	eq(t, "table", e.RouteTables[1].ID, "module.vpc.aws_route_table.private[1]")
	eq(t, "file", filepath.Base(filepath.Dir(e.VPC.File)), "vpc")
	eq(t, "hidden", m.Inputs[0].Hidden, []string{})
}

func TestTerraformDefaultGroupAndCapacity(t *testing.T) {
	m := writeTF(t, map[string]string{"main.tf": `
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_default_security_group" "d" {
  vpc_id = aws_vpc.v.id
  egress {
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }
}
resource "aws_ecs_cluster" "c" { name = "c" }
resource "aws_ecs_cluster_capacity_providers" "c" {
  cluster_name       = aws_ecs_cluster.c.name
  capacity_providers = ["FARGATE", "FARGATE_SPOT"]
  default_capacity_provider_strategy {
    capacity_provider = "FARGATE_SPOT"
    weight            = 1
  }
}
resource "aws_ecs_service" "s" {
  cluster = aws_ecs_cluster.c.id
  capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
  network_configuration {
    subnets          = [aws_subnet.s.id]
    assign_public_ip = true
  }
}
resource "aws_ecs_service" "ec2" {
  launch_type = "ec2"
}
`})
	s := tfFind(t, m.Services, "aws_ecs_service.s")
	eq(t, "default group", s.Groups[0].ID, "aws_default_security_group.d")
	eq(t, "its egress", tfRules(s.Groups[0].Egress), []string{"-1/0-65535->0.0.0.0/0"})
	eq(t, "strategy", s.Strategy, []string{"FARGATE"})
	eq(t, "launch type unset", s.LaunchType, "")
	eq(t, "public ip", s.PublicIP, pullpath.Yes)
	eq(t, "cluster strategy", s.Cluster.Strategy, []string{"FARGATE_SPOT"})
	eq(t, "ec2", tfFind(t, m.Services, "aws_ecs_service.ec2").LaunchType, "EC2")
	eq(t, "no network configuration", tfFind(t, m.Services, "aws_ecs_service.ec2").Awsvpc, false)
}

func TestTerraformTaskDetails(t *testing.T) {
	m := writeTF(t, map[string]string{
		"main.tf": `
resource "aws_secretsmanager_secret" "db" { name = "db" }
resource "aws_ssm_parameter" "key" {
  name  = "/app/key"
  type  = "SecureString"
  value = "x"
}
resource "aws_iam_policy" "pull" {
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = { Effect = "Allow", Action = "ecr:*", Resource = "*", Condition = { StringEquals = { "aws:sourceVpce" = "vpce-1" } } }
  })
}
resource "aws_iam_role" "exec" {
  name                = "exec"
  managed_policy_arns = ["arn:aws:iam::aws:policy/SomethingElse", aws_iam_policy.pull.arn]
}
resource "aws_iam_role_policy" "extra" {
  role   = aws_iam_role.exec.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = ["ecr:BatchImportUpstreamImage"], Resource = "*" }] })
}
resource "aws_ecr_pull_through_cache_rule" "hub" {
  ecr_repository_prefix = "docker-hub"
  upstream_registry_url = "registry-1.docker.io"
}
data "aws_caller_identity" "me" {}
data "aws_region" "here" {}
resource "aws_ecs_task_definition" "t" {
  family             = "t"
  network_mode       = "bridge"
  execution_role_arn = "arn:aws:iam::123456789012:role/exec"
  container_definitions = templatefile("${path.module}/defs.tpl", {
    image  = "${data.aws_caller_identity.me.account_id}.dkr.ecr.${data.aws_region.here.name}.amazonaws.com/docker-hub/library/nginx:1"
    secret = aws_secretsmanager_secret.db.arn
    param  = aws_ssm_parameter.key.arn
  })
}
`,
		"defs.tpl": `[{"name":"web","image":"${image}","secrets":[{"name":"DB","valueFrom":"${secret}"},{"name":"KEY","valueFrom":"${param}"},{"name":"P","valueFrom":"plain-name"}],
"repositoryCredentials":{"credentialsParameter":"arn:aws:secretsmanager:us-east-1:1:secret:hub"}}]`,
	})
	td := m.TaskDefs[0]
	eq(t, "network mode", td.NetworkMode, "bridge")
	eq(t, "role by arn", td.ExecRole.ID, "aws_iam_role.exec")
	c := td.Containers[0]
	eq(t, "image", c.Image, "${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/docker-hub/library/nginx:1")
	var stores []string
	for _, s := range c.Secrets {
		stores = append(stores, s.Store)
	}
	eq(t, "secret stores", stores, []string{"secretsmanager", "ssm", "ssm", "secretsmanager"})
	ro := td.ExecRole
	eq(t, "unknown managed policy", ro.PoliciesWhy, "the AWS managed policy arn:aws:iam::aws:policy/SomethingElse (not known to pullcheck)")
	eq(t, "policies", len(ro.Policies), 2)
	eq(t, "aws_iam_policy by arn", ro.Policies[0].Name, "aws_iam_policy.pull")
	eq(t, "conditional", ro.Policies[0].Statements[0].Conditional, true)
	eq(t, "role policy", ro.Policies[1].Statements[0].Actions, []string{"ecr:BatchImportUpstreamImage"})
	eq(t, "cache", m.Caches[0].Prefix+" "+m.Caches[0].Upstream, "docker-hub registry-1.docker.io")
}

func TestTerraformEndpointResources(t *testing.T) {
	m := writeTF(t, map[string]string{"main.tf": `
resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
resource "aws_vpc_ipv4_cidr_block_association" "b" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "100.64.0.0/16"
}
resource "aws_subnet" "s" {
  vpc_id     = aws_vpc.v.id
  cidr_block = "100.64.1.0/24"
}
resource "aws_security_group" "e" { vpc_id = aws_vpc.v.id }
resource "aws_vpc_endpoint" "dkr" {
  vpc_id            = aws_vpc.v.id
  service_name      = "com.amazonaws.us-east-1.ecr.dkr"
  vpc_endpoint_type = "Interface"
}
resource "aws_vpc_endpoint_subnet_association" "s" {
  vpc_endpoint_id = aws_vpc_endpoint.dkr.id
  subnet_id       = aws_subnet.s.id
}
resource "aws_vpc_endpoint_security_group_association" "g" {
  vpc_endpoint_id             = aws_vpc_endpoint.dkr.id
  security_group_id           = aws_security_group.e.id
  replace_default_association = true
}
resource "aws_vpc_endpoint_private_dns" "d" {
  vpc_endpoint_id     = aws_vpc_endpoint.dkr.id
  private_dns_enabled = true
}
resource "aws_vpc_endpoint_policy" "p" {
  vpc_endpoint_id = aws_vpc_endpoint.dkr.id
  policy = jsonencode({ Statement = [{ Effect = "Allow", Principal = "*", Action = "ecr:*", Resource = "*" }] })
}
resource "aws_vpc_endpoint" "api" {
  vpc_id            = aws_vpc.v.id
  service_name      = "com.amazonaws.us-east-1.ecr.api"
  vpc_endpoint_type = "Interface"
}
`})
	e := tfFind(t, m.Endpoints, "aws_vpc_endpoint.dkr")
	eq(t, "subnet association", e.Subnets[0].ID, "aws_subnet.s")
	eq(t, "group association replaces the default", len(e.Groups), 1)
	eq(t, "group", e.Groups[0].ID, "aws_security_group.e")
	eq(t, "private dns resource", e.PrivateDNS, pullpath.Yes)
	eq(t, "policy resource", e.Policy.Statements[0].PrincipalAll, true)
	api := tfFind(t, m.Endpoints, "aws_vpc_endpoint.api")
	eq(t, "default group", api.Groups[0].Ext, "the default security group of aws_vpc.v")
	v := tfFind(t, m.VPCs, "aws_vpc.v")
	eq(t, "secondary block", len(v.CIDRs), 2)
	eq(t, "secondary covers subnet", v.CIDRs[1].Covers(tfFind(t, m.Subnets, "aws_subnet.s").CIDR), pullpath.Yes)
}

func TestTerraformParseErrors(t *testing.T) {
	for name, src := range map[string]string{
		"unclosed": "resource \"aws_vpc\" \"a\" {\n  cidr_block = \"10.0.0.0/16\"\n",
		"bad attr": "resource \"aws_vpc\" \"a\" {\n  cidr_block = \n}\n",
		"top attr": "\n\nx = 1\n",
	} {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "main.tf"), []byte(src), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Read(dir, Options{})
		if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "main.tf")+":") {
			t.Errorf("%s: error %v, want one naming main.tf and a line", name, err)
		}
	}
	if _, err := Read(t.TempDir(), Options{}); err == nil {
		t.Error("an empty folder read without error")
	}
	// A parse error in a local module is an error too.
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "m"), 0o755)
	os.WriteFile(filepath.Join(dir, "main.tf"), []byte(`module "m" { source = "./m" }`), 0o644)
	os.WriteFile(filepath.Join(dir, "m", "main.tf"), []byte("resource {"), 0o644)
	if _, err := Read(dir, Options{}); err == nil || !strings.Contains(err.Error(), filepath.Join(dir, "m", "main.tf")) {
		t.Errorf("module parse error: %v", err)
	}
}

func TestTerraformJSONSyntax(t *testing.T) {
	m := writeTF(t, map[string]string{"main.tf.json": `{
  "resource": {
    "aws_vpc": { "v": { "cidr_block": "10.0.0.0/16", "enable_dns_hostnames": true } },
    "aws_security_group": { "g": {
      "vpc_id": "${aws_vpc.v.id}",
      "egress": [{ "from_port": 443, "to_port": 443, "protocol": "tcp", "cidr_blocks": ["0.0.0.0/0"] }]
    } }
  }
}`})
	g := tfFind(t, m.Groups, "aws_security_group.g")
	eq(t, "vpc", g.VPC.ID, "aws_vpc.v")
	eq(t, "egress", tfRules(g.Egress), []string{"tcp/443-443->0.0.0.0/0"})
	eq(t, "dns", m.VPCs[0].DNSHostnames, pullpath.Yes)
}

func TestTerraformCidrFunctions(t *testing.T) {
	for _, c := range []struct {
		prefix       string
		newbits, num int64
		want         string
	}{
		{"10.0.0.0/16", 8, 1, "10.0.1.0/24"},
		{"10.0.0.0/16", 4, 15, "10.0.240.0/20"},
		{"172.16.5.9/12", 4, 2, "172.18.0.0/16"},
		{"fd00::/56", 8, 3, "fd00:0:0:3::/64"},
	} {
		got, err := tfCidrSubnet(c.prefix, c.newbits, c.num)
		if err != nil || got != c.want {
			t.Errorf("cidrsubnet(%s,%d,%d) = %s, %v; want %s", c.prefix, c.newbits, c.num, got, err, c.want)
		}
	}
	if _, err := tfCidrSubnet("10.0.0.0/16", 8, 256); err == nil {
		t.Error("cidrsubnet accepted a netnum too large")
	}
	m := writeTF(t, map[string]string{"main.tf": `
variable "cidr" {}
locals {
  blocks = cidrsubnets("10.0.0.0/16", 4, 4, 8)
  host   = cidrhost("10.0.0.0/24", 5)
  mask   = cidrnetmask("10.0.0.0/20")
}
resource "aws_vpc" "v" { cidr_block = var.cidr }
resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.v.id
  cidr_block = local.blocks[2]
  tags       = { host = local.host, mask = local.mask }
}
resource "aws_subnet" "b" {
  vpc_id     = aws_vpc.v.id
  cidr_block = cidrsubnet(cidrsubnet(var.cidr, 4, 1), 4, 2)
}
`})
	eq(t, "cidrsubnets", tfFind(t, m.Subnets, "aws_subnet.a").CIDR.String(), "10.0.32.0/24")
	b := tfFind(t, m.Subnets, "aws_subnet.b").CIDR
	eq(t, "nested symbolic", b.Sym+" in "+b.In, "cidrsubnet(cidrsubnet(var.cidr,4,1),4,2) in var.cidr")
}
