package terraform

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// A plan to be created, all ids unknown: the service in module.app takes
// its subnets from var.subnet_ids, which the root passes from the output
// subnet_id of module.net; its group from the root's aws_security_group.task
// through var.group_id; its route table association names
// aws_subnet.private[count.index], which keeps only aws_subnet.private.
const planModules = `{
 "format_version": "1.2", "terraform_version": "1.9.8",
 "variables": {"token": {"value": "tok-VARIABLE-VALUE-7781"}},
 "planned_values": {"root_module": {
  "resources": [
   {"address": "aws_security_group.task", "mode": "managed", "type": "aws_security_group", "name": "task", "values": {"name": "task"}},
   {"address": "aws_subnet.private[0]", "mode": "managed", "type": "aws_subnet", "name": "private", "index": 0, "values": {"cidr_block": "10.0.0.0/24"}},
   {"address": "aws_subnet.private[1]", "mode": "managed", "type": "aws_subnet", "name": "private", "index": 1, "values": {"cidr_block": "10.0.1.0/24"}},
   {"address": "aws_route_table.one", "mode": "managed", "type": "aws_route_table", "name": "one", "values": {}},
   {"address": "aws_route_table_association.private[0]", "mode": "managed", "type": "aws_route_table_association", "name": "private", "index": 0, "values": {}},
   {"address": "aws_route_table_association.private[1]", "mode": "managed", "type": "aws_route_table_association", "name": "private", "index": 1, "values": {}},
   {"address": "aws_ssm_parameter.p", "mode": "managed", "type": "aws_ssm_parameter", "name": "p", "values": {"name": "p"}, "sensitive_values": {"value": true}}
  ],
  "child_modules": [
   {"address": "module.net", "resources": [
    {"address": "module.net.aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a", "values": {"cidr_block": "10.9.0.0/24"}}
   ]},
   {"address": "module.app", "resources": [
    {"address": "module.app.aws_ecs_service.this", "mode": "managed", "type": "aws_ecs_service", "name": "this",
     "values": {"name": "app", "launch_type": "FARGATE", "network_configuration": [{"assign_public_ip": false}]}}
   ]}
  ]}},
 "resource_changes": [
  {"address": "aws_security_group.task", "mode": "managed", "type": "aws_security_group", "name": "task",
   "change": {"actions": ["create"], "before": null, "after": {"name": "task"}, "after_unknown": {"id": true, "egress": true, "ingress": true, "vpc_id": true}}},
  {"address": "aws_subnet.private[0]", "mode": "managed", "type": "aws_subnet", "name": "private", "index": 0,
   "change": {"actions": ["create"], "before": null, "after": {"cidr_block": "10.0.0.0/24"}, "after_unknown": {"id": true}}},
  {"address": "aws_subnet.private[1]", "mode": "managed", "type": "aws_subnet", "name": "private", "index": 1,
   "change": {"actions": ["create"], "before": null, "after": {"cidr_block": "10.0.1.0/24"}, "after_unknown": {"id": true}}},
  {"address": "aws_route_table.one", "mode": "managed", "type": "aws_route_table", "name": "one",
   "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"id": true, "route": true}}},
  {"address": "aws_route_table_association.private[0]", "mode": "managed", "type": "aws_route_table_association", "name": "private", "index": 0,
   "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"id": true, "subnet_id": true, "route_table_id": true}}},
  {"address": "aws_route_table_association.private[1]", "mode": "managed", "type": "aws_route_table_association", "name": "private", "index": 1,
   "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"id": true, "subnet_id": true, "route_table_id": true}}},
  {"address": "aws_ssm_parameter.p", "mode": "managed", "type": "aws_ssm_parameter", "name": "p",
   "change": {"actions": ["create"], "before": null, "after": {"name": "p", "value": "ssm-SENSITIVE-VALUE-5512"}, "after_unknown": {"id": true, "arn": true}, "after_sensitive": {"value": true}}},
  {"address": "module.net.aws_subnet.a", "module_address": "module.net", "mode": "managed", "type": "aws_subnet", "name": "a",
   "change": {"actions": ["create"], "before": null, "after": {"cidr_block": "10.9.0.0/24"}, "after_unknown": {"id": true}}},
  {"address": "module.app.aws_ecs_service.this", "module_address": "module.app", "mode": "managed", "type": "aws_ecs_service", "name": "this",
   "change": {"actions": ["create"], "before": null,
    "after": {"name": "app", "launch_type": "FARGATE", "network_configuration": [{"assign_public_ip": false}]},
    "after_unknown": {"id": true, "cluster": true, "task_definition": true, "network_configuration": [{"subnets": true, "security_groups": true}]}}},
  {"address": "data.aws_iam_policy_document.late", "mode": "data", "type": "aws_iam_policy_document", "name": "late",
   "change": {"actions": ["read"], "before": null, "after": {}, "after_unknown": {"id": true, "json": true}}, "action_reason": "read_because_dependency_pending"}
 ],
 "configuration": {"root_module": {
  "resources": [
   {"address": "aws_route_table_association.private", "mode": "managed", "type": "aws_route_table_association", "name": "private",
    "expressions": {"subnet_id": {"references": ["aws_subnet.private", "count.index"]}, "route_table_id": {"references": ["aws_route_table.one", "count.index"]}},
    "count_expression": {"constant_value": 2}},
   {"address": "data.aws_iam_policy_document.late", "mode": "data", "type": "aws_iam_policy_document", "name": "late",
    "expressions": {"statement": [{"resources": {"references": ["aws_security_group.task.arn", "aws_security_group.task"]}}]}}
  ],
  "module_calls": {
   "net": {"source": "./net", "module": {
    "outputs": {"subnet_id": {"expression": {"references": ["aws_subnet.a.id", "aws_subnet.a"]}}},
    "resources": [{"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a", "expressions": {"cidr_block": {"constant_value": "10.9.0.0/24"}}}]}},
   "app": {"source": "./app",
    "expressions": {"subnet_ids": {"references": ["module.net.subnet_id", "module.net"]}, "group_id": {"references": ["aws_security_group.task.id", "aws_security_group.task"]}},
    "module": {
     "resources": [{"address": "aws_ecs_service.this", "mode": "managed", "type": "aws_ecs_service", "name": "this",
      "expressions": {"network_configuration": [{"subnets": {"references": ["var.subnet_ids"]}, "security_groups": {"references": ["var.group_id"]}}],
       "task_definition": {"references": ["aws_ecs_task_definition.this.arn", "aws_ecs_task_definition.this"]}}}],
     "variables": {"subnet_ids": {}, "group_id": {}}}}
  },
  "variables": {"token": {"sensitive": true}}
 }}
}`

func readPlanString(t *testing.T, s string) *pullpath.Model {
	t.Helper()
	m, err := ReadPlan("plan.json", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestPlanFollowsModuleCallsAndOutputs(t *testing.T) {
	m := readPlanString(t, planModules)
	var svc *pullpath.Service
	for _, s := range m.Services {
		if s.ID == "module.app.aws_ecs_service.this" {
			svc = s
		}
	}
	if svc == nil {
		t.Fatalf("no module.app.aws_ecs_service.this in %d services", len(m.Services))
	}
	if len(svc.Subnets) != 1 || svc.Subnets[0].ID != "module.net.aws_subnet.a" || svc.Subnets[0].Ext != "" {
		t.Errorf("subnets %v (%s), want module.net.aws_subnet.a through module.app's var.subnet_ids and module.net's output", nodeIDs(svc.Subnets), svc.SubnetsWhy)
	}
	if len(svc.Groups) != 1 || svc.Groups[0].ID != "aws_security_group.task" {
		t.Errorf("groups %v (%s), want aws_security_group.task through var.group_id", nodeIDs(svc.Groups), svc.GroupsWhy)
	}
	if svc.Task != nil || !strings.Contains(svc.TaskWhy, "task_definition") {
		t.Errorf("task %v, why %q: want unknown naming task_definition", svc.Task, svc.TaskWhy)
	}
}

func TestPlanReferenceToSeveralInstancesIsUnknownUnlessTheyAgree(t *testing.T) {
	m := readPlanString(t, planModules)
	for _, sn := range m.Subnets {
		if !strings.HasPrefix(sn.ID, "aws_subnet.private[") {
			continue
		}
		// aws_subnet.private[count.index].id keeps aws_subnet.private: which
		// subnet each association takes is unknown.
		if sn.RouteTable != nil || !strings.Contains(sn.RouteTableWhy, "aws_subnet.private (several instances") {
			t.Errorf("%s: route table %v, why %q; want unknown naming aws_subnet.private", sn.ID, sn.RouteTable, sn.RouteTableWhy)
		}
	}
	// aws_route_table.one[count.index] keeps aws_route_table.one: one
	// instance, so every association names it, and it may serve subnets.
	for _, rt := range m.RouteTables {
		if rt.ID == "aws_route_table.one" && !rt.Exported {
			t.Errorf("aws_route_table.one is not taken as used by the associations whose subnet is unknown")
		}
	}
}

func TestPlanInstancesKeepTheirAddresses(t *testing.T) {
	m := readPlanString(t, planModules)
	want := map[string]bool{"aws_subnet.private[0]": false, "aws_subnet.private[1]": false, "module.net.aws_subnet.a": false}
	for _, sn := range m.Subnets {
		if _, ok := want[sn.ID]; ok {
			want[sn.ID] = true
		}
	}
	for id, seen := range want {
		if !seen {
			t.Errorf("no subnet %s", id)
		}
	}
}

func TestPlanKeepsNoSensitiveValueNorVariable(t *testing.T) {
	m := readPlanString(t, planModules)
	r := pullpath.Judge(m)
	var b strings.Builder
	r.WriteText(&b)
	r.WriteJSON(&b)
	r.WriteSARIF(&b)
	b.WriteString(r.Mermaid())
	for _, secret := range []string{"ssm-SENSITIVE-VALUE-5512", "tok-VARIABLE-VALUE-7781"} {
		if strings.Contains(b.String(), secret) {
			t.Errorf("%s is in the report", secret)
		}
	}
}

func TestPlanDataSourceDeferredToApplyIsUnknown(t *testing.T) {
	pr2, _, err := readPlan("plan.json", []byte(planModules))
	if err != nil {
		t.Fatal(err)
	}
	pi := pr2.byAddr["data.aws_iam_policy_document.late"]
	if pi == nil || !pi.deferred {
		t.Fatalf("data.aws_iam_policy_document.late: %+v, want a deferred data source", pi)
	}
	if why := tfWhyOf(pr2.attr(pi, "json")); !strings.Contains(why, "read only during apply") {
		t.Errorf("its json: why %q, want it read only during apply", why)
	}
}

func TestPlanState(t *testing.T) {
	state := `{"format_version": "1.0", "terraform_version": "1.9.8", "values": {"root_module": {"resources": [
	 {"address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
	  "values": {"id": "vpc-1", "cidr_block": "10.0.0.0/16", "enable_dns_support": true, "enable_dns_hostnames": true}},
	 {"address": "aws_subnet.a", "mode": "managed", "type": "aws_subnet", "name": "a",
	  "values": {"id": "subnet-1", "vpc_id": "vpc-1", "cidr_block": "10.0.0.0/24"}}]}}}`
	m := readPlanString(t, state)
	if len(m.Subnets) != 1 || m.Subnets[0].VPC == nil || m.Subnets[0].VPC.ID != "aws_vpc.main" {
		t.Errorf("subnets %v: want aws_subnet.a in aws_vpc.main (vpc-1)", nodeIDs(m.Subnets))
	}
}

func nodeIDs[T interface{ Name() string }](ns []T) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Name())
	}
	return out
}

func TestPlanBadInput(t *testing.T) {
	good, err := os.ReadFile(filepath.Join("..", "testdata", "plans", "writeup-fixed.plan.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, data, want string }{
		{"fails when the file ends early", string(good[:len(good)/2]), "ends early"},
		{"fails when the format is 2.0", `{"format_version": "2.0", "planned_values": {}}`, `format "2.0" is not read`},
		{"fails when it is not a plan", `{"format_version": "1.2", "outputs": {}}`, "neither planned_values"},
		{"fails when format_version is missing", `{"planned_values": {}}`, "no format_version"},
		{"fails when a field has the wrong type", `{"format_version": "1.2", "resource_changes": {"a": 1}}`, "not a Terraform plan"},
		{"fails when it is not JSON", `{"format_version": "1.2", planned_values}`, "invalid JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ReadPlan("x.plan.json", []byte(tc.data))
			if err == nil || m != nil {
				t.Fatalf("model %v, error %v: want an error", m, err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "x.plan.json: ") || strings.Contains(msg, "\n") || !strings.Contains(msg, tc.want) {
				t.Errorf("error %q: want one line naming x.plan.json and saying %q", msg, tc.want)
			}
		})
	}
}

func TestPlanReaderTakes(t *testing.T) {
	r := NewPlanReader()
	for _, tc := range []struct {
		data string
		want bool
	}{
		{`{"format_version":"1.2","terraform_version":"1.9.8","planned_values":{}}`, true},
		{`{"format_version":"1.0","terraform_version":"1.9.8","values":{"root_module":{}}}`, true},
		{`{"format_version":"1.2","terraform_version":"1.9`, true},
		{`{"AWSTemplateFormatVersion":"2010-09-09","Resources":{"format_version":{"Type":"X","Properties":{"values":1}}}}`, false},
		{`{"Resources":{}}`, false},
		{`[{"format_version":"1.2"}]`, false},
	} {
		if got := r.Takes(&pullpath.Source{Path: "f", Data: []byte(tc.data)}); got != tc.want {
			t.Errorf("Takes(%.40s) = %v, want %v", tc.data, got, tc.want)
		}
	}
}

func TestAnIncompletePlanHidesWhatItLeavesOut(t *testing.T) {
	m := readPlanString(t, strings.Replace(planModules, `"terraform_version": "1.9.8",`, `"terraform_version": "1.9.8", "complete": false,`, 1))
	if h := m.Inputs[0].Hidden; len(h) != 1 || !strings.Contains(h[0], "-target") {
		t.Errorf("hidden %q, want the plan not complete", h)
	}
	if h := readPlanString(t, planModules).Inputs[0].Hidden; len(h) != 0 {
		t.Errorf("hidden %q for a whole plan", h)
	}
}

func TestPlanReferenceShapes(t *testing.T) {
	if got := planPrimaries([]string{"aws_vpc.main.id", "aws_vpc.main", "count.index", "module.vpc.private_subnets", "module.vpc", "aws_subnet.private[0].id", "aws_subnet.private[0]", "aws_subnet.private", "each.key"}); strings.Join(got, " ") != "aws_vpc.main.id module.vpc.private_subnets aws_subnet.private[0].id" {
		t.Errorf("planPrimaries: %q", got)
	}
	if got := planSplit(`module.a["x.y"].aws_vpc.b[0]`); strings.Join(got, "|") != `module|a["x.y"]|aws_vpc|b[0]` {
		t.Errorf("planSplit: %q", got)
	}
	if name, keys := planStep(`private["a]b"][2]`); name != "private" || len(keys) != 2 || keys[0] != `"a]b"` || keys[1] != "2" {
		t.Errorf("planStep: %q %q", name, keys)
	}
	if got := planModOf(`module.a["k"].module.b.aws_subnet.s[1]`); got != `module.a["k"].module.b` {
		t.Errorf("planModOf: %q", got)
	}
	for ref, want := range map[string]bool{
		"aws_vpc.main.id": true, "aws_iam_role.x.arn": true, "var.subnet_ids": true, "module.vpc.vpc_id": true,
		"aws_subnet.private": true, "data.aws_prefix_list.s3.id": true, "aws_vpc.main.main_route_table_id": true,
		"aws_vpc.main.cidr_block": false, "aws_subnet.a.availability_zone": false, "data.aws_region.current.description": false,
	} {
		if got := planPassed(ref); got != want {
			t.Errorf("planPassed(%s) = %v, want %v", ref, got, want)
		}
	}
}
