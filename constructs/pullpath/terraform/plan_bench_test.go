package terraform

import (
	"encoding/json"
	"fmt"
	"testing"
)

// planBench builds the plan of n services, each an instance of a for_each
// module module.svc["sNNN"] (security group, execution role and its policy
// attachment, log group, task definition, service: all to be created, so
// their ids are unknown and followed through the module's references), on
// a network that exists (VPC, 3 subnets, a route table, 3 interface
// endpoints, an S3 gateway, an endpoint group, a cluster, an ECR repository).
// For n = 100 it is 0.86 MB of JSON (855,014 bytes ; go test -run TestPlanBenchSize -v).
func planBench(n int) []byte {
	type obj = map[string]any
	var pv, rc, modRes []any
	rs := func(addr, typ, name string, index any, values obj) obj {
		r := obj{"address": addr, "mode": "managed", "type": typ, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws", "schema_version": 0, "values": values, "sensitive_values": obj{"tags_all": obj{}}}
		if index != nil {
			r["index"] = index
		}
		return r
	}
	change := func(addr, mod, typ, name string, actions []string, after, unknown obj) obj {
		c := obj{"address": addr, "mode": "managed", "type": typ, "name": name, "provider_name": "registry.terraform.io/hashicorp/aws",
			"change": obj{"actions": actions, "before": nil, "after": after, "after_unknown": unknown, "before_sensitive": false, "after_sensitive": obj{"tags_all": obj{}}}}
		if mod != "" {
			c["module_address"] = mod
		}
		if actions[0] == "no-op" {
			c["change"].(obj)["before"] = after
		}
		return c
	}
	existing := func(addr, typ, name string, index any, values obj) {
		pv = append(pv, rs(addr, typ, name, index, values))
		rc = append(rc, change(addr, "", typ, name, []string{"no-op"}, values, obj{}))
	}
	const acct, region = "111122223333", "eu-west-1"
	vpc := "vpc-0b00000000000000a"
	existing("aws_vpc.main", "aws_vpc", "main", nil, obj{"id": vpc, "arn": "arn:aws:ec2:" + region + ":" + acct + ":vpc/" + vpc, "cidr_block": "10.0.0.0/16", "enable_dns_support": true, "enable_dns_hostnames": true, "main_route_table_id": "rtb-0main", "tags": nil, "tags_all": obj{}})
	var subnets []any
	for i := range 3 {
		id := fmt.Sprintf("subnet-0b0000000000000%02d", i)
		subnets = append(subnets, id)
		existing(fmt.Sprintf("aws_subnet.private[%d]", i), "aws_subnet", "private", i, obj{"id": id, "vpc_id": vpc, "cidr_block": fmt.Sprintf("10.0.%d.0/24", i), "map_public_ip_on_launch": false, "tags": nil, "tags_all": obj{}})
		existing(fmt.Sprintf("aws_route_table_association.private[%d]", i), "aws_route_table_association", "private", i, obj{"id": fmt.Sprintf("rtbassoc-0%d", i), "subnet_id": id, "route_table_id": "rtb-0private", "gateway_id": ""})
	}
	existing("aws_route_table.private", "aws_route_table", "private", nil, obj{"id": "rtb-0private", "vpc_id": vpc, "route": []any{}, "propagating_vgws": []any{}, "tags": nil, "tags_all": obj{}})
	existing("aws_security_group.endpoints", "aws_security_group", "endpoints", nil, obj{"id": "sg-0endpoints", "vpc_id": vpc, "name": "endpoints", "description": "Managed by Terraform", "egress": []any{},
		"ingress": []any{obj{"cidr_blocks": []any{"10.0.0.0/16"}, "description": "", "from_port": 443, "to_port": 443, "protocol": "tcp", "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{}, "security_groups": []any{}, "self": false}}, "tags": nil, "tags_all": obj{}})
	for _, svc := range []string{"ecr.api", "ecr.dkr", "logs"} {
		existing(fmt.Sprintf("aws_vpc_endpoint.interface[%q]", svc), "aws_vpc_endpoint", "interface", svc, obj{"id": "vpce-0" + svc, "vpc_id": vpc, "service_name": "com.amazonaws." + region + "." + svc, "vpc_endpoint_type": "Interface", "private_dns_enabled": true,
			"subnet_ids": subnets, "security_group_ids": []any{"sg-0endpoints"}, "route_table_ids": []any{}, "policy": `{"Statement":[{"Action":"*","Effect":"Allow","Principal":"*","Resource":"*"}]}`, "tags": nil, "tags_all": obj{}})
	}
	existing("aws_vpc_endpoint.s3", "aws_vpc_endpoint", "s3", nil, obj{"id": "vpce-0s3", "vpc_id": vpc, "service_name": "com.amazonaws." + region + ".s3", "vpc_endpoint_type": "Gateway", "prefix_list_id": "pl-6da54004",
		"route_table_ids": []any{"rtb-0private"}, "subnet_ids": []any{}, "security_group_ids": []any{}, "tags": nil, "tags_all": obj{}})
	cluster := "arn:aws:ecs:" + region + ":" + acct + ":cluster/main"
	existing("aws_ecs_cluster.main", "aws_ecs_cluster", "main", nil, obj{"id": cluster, "arn": cluster, "name": "main", "setting": []any{}, "tags": nil, "tags_all": obj{}})
	repo := acct + ".dkr.ecr." + region + ".amazonaws.com/app"
	existing("aws_ecr_repository.app", "aws_ecr_repository", "app", nil, obj{"id": "app", "name": "app", "arn": "arn:aws:ecr:" + region + ":" + acct + ":repository/app", "repository_url": repo, "registry_id": acct, "tags": nil, "tags_all": obj{}})

	var modPV []any
	for i := range n {
		key := fmt.Sprintf("s%03d", i)
		mod := fmt.Sprintf("module.svc[%q]", key)
		add := func(typ, name string, after, unknown obj) {
			addr := mod + "." + typ + "." + name
			modPV = append(modPV, rs(addr, typ, name, nil, after))
			rc = append(rc, change(addr, mod, typ, name, []string{"create"}, after, unknown))
		}
		add("aws_security_group", "this", obj{"name": key, "description": "Managed by Terraform", "vpc_id": vpc, "revoke_rules_on_delete": false, "tags": nil, "timeouts": nil,
			"egress": []any{
				obj{"cidr_blocks": []any{}, "description": "", "from_port": 443, "to_port": 443, "protocol": "tcp", "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{}, "security_groups": []any{"sg-0endpoints"}, "self": false},
				obj{"cidr_blocks": []any{}, "description": "", "from_port": 443, "to_port": 443, "protocol": "tcp", "ipv6_cidr_blocks": []any{}, "prefix_list_ids": []any{"pl-6da54004"}, "security_groups": []any{}, "self": false}}},
			obj{"arn": true, "id": true, "ingress": true, "name_prefix": true, "owner_id": true, "tags_all": true})
		add("aws_iam_role", "exec", obj{"name": key + "-exec", "path": "/", "max_session_duration": 3600, "force_detach_policies": false, "description": nil, "permissions_boundary": nil, "tags": nil,
			"assume_role_policy": `{"Statement":[{"Action":"sts:AssumeRole","Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"}}],"Version":"2012-10-17"}`},
			obj{"arn": true, "create_date": true, "id": true, "inline_policy": true, "managed_policy_arns": true, "name_prefix": true, "tags_all": true, "unique_id": true})
		add("aws_iam_role_policy_attachment", "exec", obj{"role": key + "-exec", "policy_arn": "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"}, obj{"id": true})
		add("aws_cloudwatch_log_group", "this", obj{"name": "/ecs/" + key, "retention_in_days": 30, "skip_destroy": false, "kms_key_id": nil, "tags": nil}, obj{"arn": true, "id": true, "tags_all": true})
		add("aws_ecs_task_definition", "this", obj{"family": key, "cpu": "256", "memory": "512", "network_mode": "awsvpc", "requires_compatibilities": []any{"FARGATE"}, "skip_destroy": false, "track_latest": false, "tags": nil, "task_role_arn": nil, "volume": []any{},
			"container_definitions": `[{"cpu":0,"environment":[],"essential":true,"image":"` + repo + `:` + key + `","logConfiguration":{"logDriver":"awslogs","options":{"awslogs-group":"/ecs/` + key + `","awslogs-region":"` + region + `","awslogs-stream-prefix":"` + key + `"}},"mountPoints":[],"name":"` + key + `","portMappings":[{"containerPort":8080,"hostPort":8080,"protocol":"tcp"}],"systemControls":[],"volumesFrom":[]}]`},
			obj{"arn": true, "arn_without_revision": true, "execution_role_arn": true, "id": true, "revision": true, "tags_all": true})
		add("aws_ecs_service", "this", obj{"name": key, "cluster": cluster, "launch_type": "FARGATE", "desired_count": 2, "enable_execute_command": false, "scheduling_strategy": "REPLICA", "deployment_maximum_percent": 200, "deployment_minimum_healthy_percent": 100, "load_balancer": []any{}, "tags": nil,
			"network_configuration": []any{obj{"assign_public_ip": false, "subnets": subnets}}},
			obj{"id": true, "iam_role": true, "platform_version": true, "tags_all": true, "task_definition": true, "triggers": true, "network_configuration": []any{obj{"security_groups": true, "subnets": []any{false, false, false}}}})
	}
	ref := func(r ...string) obj { return obj{"references": r} }
	modRes = []any{
		obj{"address": "aws_security_group.this", "mode": "managed", "type": "aws_security_group", "name": "this", "expressions": obj{"name": ref("each.key"), "vpc_id": ref("var.vpc_id")}},
		obj{"address": "aws_iam_role.exec", "mode": "managed", "type": "aws_iam_role", "name": "exec", "expressions": obj{"name": ref("var.name"), "assume_role_policy": obj{}}},
		obj{"address": "aws_iam_role_policy_attachment.exec", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "exec", "expressions": obj{"role": ref("aws_iam_role.exec.name", "aws_iam_role.exec")}},
		obj{"address": "aws_cloudwatch_log_group.this", "mode": "managed", "type": "aws_cloudwatch_log_group", "name": "this", "expressions": obj{"name": ref("var.name")}},
		obj{"address": "aws_ecs_task_definition.this", "mode": "managed", "type": "aws_ecs_task_definition", "name": "this", "expressions": obj{
			"execution_role_arn": ref("aws_iam_role.exec.arn", "aws_iam_role.exec"), "container_definitions": ref("var.image", "aws_cloudwatch_log_group.this.name", "aws_cloudwatch_log_group.this")}},
		obj{"address": "aws_ecs_service.this", "mode": "managed", "type": "aws_ecs_service", "name": "this", "expressions": obj{
			"cluster": ref("var.cluster"), "task_definition": ref("aws_ecs_task_definition.this.arn", "aws_ecs_task_definition.this"),
			"network_configuration": []any{obj{"subnets": ref("var.subnet_ids"), "security_groups": ref("aws_security_group.this.id", "aws_security_group.this")}}}},
	}
	plan := obj{
		"format_version": "1.2", "terraform_version": "1.9.8",
		"planned_values":   obj{"root_module": obj{"resources": pv, "child_modules": []any{obj{"address": "module.svc", "resources": modPV}}}},
		"resource_changes": rc,
		"configuration": obj{"provider_config": obj{"aws": obj{"name": "aws", "expressions": obj{"region": obj{"constant_value": region}}}},
			"root_module": obj{"module_calls": obj{"svc": obj{"source": "./svc", "for_each_expression": ref("local.services"),
				"expressions": obj{"vpc_id": ref("aws_vpc.main.id", "aws_vpc.main"), "subnet_ids": ref("aws_subnet.private"), "cluster": ref("aws_ecs_cluster.main.id", "aws_ecs_cluster.main"), "name": ref("each.key"), "image": ref("aws_ecr_repository.app.repository_url", "aws_ecr_repository.app", "each.key")},
				"module":      obj{"resources": modRes, "variables": obj{"vpc_id": obj{}, "subnet_ids": obj{}, "cluster": obj{}, "name": obj{}, "image": obj{}}}}}}},
	}
	b, err := json.Marshal(plan)
	if err != nil {
		panic(err)
	}
	return b
}

func TestPlanBenchSize(t *testing.T) {
	b := planBench(100)
	m, err := ReadPlan("bench.json", b)
	if err != nil {
		t.Fatal(err)
	}
	private := 0
	for _, s := range m.Services {
		if s.Task != nil && len(s.Groups) == 1 && len(s.Subnets) == 3 {
			private++
		}
	}
	t.Logf("a plan of 100 services: %d bytes, %d services linked to their task, group and subnets", len(b), private)
	if len(m.Services) != 100 || private != 100 {
		t.Errorf("%d services, %d linked: want 100", len(m.Services), private)
	}
}

// BenchmarkReadPlan100Services reads the plan of planBench(100) (0.86 MB)
// into the model; BenchmarkDecodePlanJSON100Services decodes the same bytes
// with encoding/json into any, side by side:
//
//	go test ./constructs/pullpath/terraform -run '^$' -bench PlanJSON100Services -benchmem
func BenchmarkReadPlan100Services(b *testing.B) {
	data := planBench(100)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for range b.N {
		if _, err := ReadPlan("bench.json", data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDecodePlanJSON100Services(b *testing.B) {
	data := planBench(100)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for range b.N {
		var v any
		if err := json.Unmarshal(data, &v); err != nil {
			b.Fatal(err)
		}
	}
}
