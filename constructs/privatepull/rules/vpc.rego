package privatepull.vpc

import rego.v1

# PRIVATEPULL-VPC-DNS: private DNS of interface endpoints only works when the
# VPC has both EnableDnsSupport (CloudFormation default true) and
# EnableDnsHostnames (CloudFormation default false) on.

service_vpc_pairs contains [s, vpc] if {
	some s in checked_services
	some vpc in service_vpcs(s)
}

violation contains v if {
	some [s, vpc] in service_vpc_pairs
	is_false(props(vpc).EnableDnsSupport)
	v := make_diag_at(
		"PRIVATEPULL-VPC-DNS", "ERROR", vpc, "Properties.EnableDnsSupport",
		sprintf("VPC %s (used by ECS service %s) has EnableDnsSupport false; the Amazon DNS server is off, so the private DNS names of the ECR, logs and other interface endpoints do not resolve and the task cannot pull its image. Set EnableDnsSupport: true.", [vpc, s]),
	)
}

violation contains v if {
	some [s, vpc] in service_vpc_pairs
	x := object.get(props(vpc), "EnableDnsHostnames", false)
	not is_true(x)
	not is_object(x)
	v := make_diag_at(
		"PRIVATEPULL-VPC-DNS", "ERROR", vpc, "Properties.EnableDnsHostnames",
		sprintf("VPC %s (used by ECS service %s) does not set EnableDnsHostnames to true (CloudFormation default: false); interface endpoints with private DNS need it, so com.amazonaws.<region>.ecr.dkr and the other endpoint names keep resolving to public addresses and the pull fails. Set EnableDnsHostnames: true.", [vpc, s]),
	)
}

# ---------------------------------------------------------------------------
# Shared base helpers, duplicated in every privatepull rule file (each file is
# run on its own with only the engine's helpers): keep the copies identical.
#
# Shape of input.resources[NAME].properties as the engine gives it:
# intrinsics are already resolved where the engine can (pseudo parameters,
# Fn::Join / Fn::Sub of literals), and otherwise replaced by markers:
#   Ref / GetAtt to a resource   {"__kind": "resource" | "getatt:ATTR", "__ref": ID}
#   unresolvable value           {"__dynamic": "Join:...{dynamic}...{ref:ID}..."}
#   Fn::If                       {"__conditional": COND, "__if_true": .., "__if_false": ..}
# Anything that is not a literal or a ref marker is unknown: rules stay silent.
# ---------------------------------------------------------------------------

props(n) := p if {
	p := input.resources[n].properties
	is_object(p)
} else := {}

rtype(n) := input.resources[n].resourceType

# logical id a value refers to (Ref or GetAtt marker)
ref_id(x) := x.__ref if {
	is_object(x)
	is_string(x.__ref)
}

ref_of_type(x, t) := id if {
	id := ref_id(x)
	rtype(id) == t
}

as_list(x) := x if is_array(x)

as_list(x) := [x] if not is_array(x)

is_true(x) if x == true

is_true(x) if {
	is_string(x)
	lower(x) == "true"
}

is_false(x) if x == false

is_false(x) if {
	is_string(x)
	lower(x) == "false"
}

# string view of a value: literals as is, dynamic values by their description
str_of(x) := x if is_string(x)

str_of(x) := x.__dynamic if {
	is_object(x)
	is_string(x.__dynamic)
}

# --- ECS services in awsvpc mode ------------------------------------------

awsvpc_cfg(s) := props(s).NetworkConfiguration.AwsvpcConfiguration

task_def(s) := ref_of_type(props(s).TaskDefinition, "AWS::ECS::TaskDefinition")

is_awsvpc(s) if props(task_def(s)).NetworkMode == "awsvpc"

is_awsvpc(s) if is_object(awsvpc_cfg(s))

# EC2 / EXTERNAL launch types pull through the container instance, not the
# task ENI: not checked.
not_task_eni(s) if props(s).LaunchType in {"EC2", "EXTERNAL"}

not_task_eni(s) if {
	strategy := props(s).CapacityProviderStrategy
	is_array(strategy)
	count(strategy) > 0
	not fargate_strategy(strategy)
}

fargate_strategy(strategy) if {
	some item in strategy
	item.CapacityProvider in {"FARGATE", "FARGATE_SPOT"}
}

checked_services contains s if {
	some s in resources_of_type("AWS::ECS::Service")
	is_awsvpc(s)
	not not_task_eni(s)
}

containers(s) := [c | some c in as_list(props(task_def(s)).ContainerDefinitions); is_object(c)]

image_is_ecr(img) if contains(str_of(img), ".dkr.ecr.")

image_is_ecr(img) if ref_of_type(img, "AWS::ECR::Repository")

image_maybe_ecr(img) if image_is_ecr(img)

image_maybe_ecr(img) if {
	is_object(img)
	not str_of(img)
}

image_maybe_ecr(img) if {
	is_string(img.__dynamic)
	not startswith(img.__dynamic, "Join:")
	not startswith(img.__dynamic, "Sub:")
}

image_maybe_ecr(img) if {
	# Join/Sub parts that could be a registry host
	s := img.__dynamic
	is_string(s)
	regex.match(`^(Join|Sub):(\{|\$\{)`, s)
}

# the service pulls (or may pull) a private ECR image; a task definition
# outside the template is unknown and counts as pulling
pulls_ecr(s) if not task_def(s)

pulls_ecr(s) if {
	some c in containers(s)
	image_maybe_ecr(c.Image)
}

# --- where the service lives ---------------------------------------------

service_subnets(s) := {sn |
	some x in as_list(awsvpc_cfg(s).Subnets)
	sn := ref_of_type(x, "AWS::EC2::Subnet")
}

task_sgs(s) := {g |
	some x in as_list(awsvpc_cfg(s).SecurityGroups)
	g := ref_of_type(x, "AWS::EC2::SecurityGroup")
}

# every security group of the service is defined in this template
task_sgs_known(s) if {
	entries := awsvpc_cfg(s).SecurityGroups
	is_array(entries)
	count(entries) > 0
	every x in entries {
		ref_of_type(x, "AWS::EC2::SecurityGroup")
	}
}

service_vpcs(s) := {v | some sn in service_subnets(s); v := ref_of_type(props(sn).VpcId, "AWS::EC2::VPC")} | {v |
	some g in task_sgs(s)
	v := ref_of_type(props(g).VpcId, "AWS::EC2::VPC")
}

sg_list(gs) := concat(", ", sort([g | some g in gs]))
