package privatepull.network

import rego.v1

# Security-group paths of an ECS service in awsvpc mode, and its public IP:
#   PRIVATEPULL-S3-EGRESS, PRIVATEPULL-ENDPOINT-EGRESS,
#   PRIVATEPULL-ENDPOINT-INGRESS, PRIVATEPULL-PUBLIC-IP.
# Rules of a group are its inline SecurityGroupEgress / SecurityGroupIngress
# plus standalone AWS::EC2::SecurityGroupEgress / Ingress resources whose
# GroupId refers to it. A group with no egress rule at all allows all egress
# (CloudFormation default). Groups not defined in the template (literal ids,
# imports, parameters) are unknown: the rules stay silent.

sg_path := "Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups"

# Rules are gathered once per template as [group, rule] pairs (the engine
# memoizes rules, not functions), then summarised per group.
sg_ids := resources_of_type("AWS::EC2::SecurityGroup")

all_egress contains [g, r] if {
	some g in sg_ids
	some r in as_list(props(g).SecurityGroupEgress)
	is_object(r)
	not r.__conditional
}

all_egress contains [g, p] if {
	some x in resources_of_type("AWS::EC2::SecurityGroupEgress")
	p := props(x)
	g := ref_id(p.GroupId)
}

all_ingress contains [g, r] if {
	some g in sg_ids
	some r in as_list(props(g).SecurityGroupIngress)
	is_object(r)
	not r.__conditional
}

all_ingress contains [g, p] if {
	some x in resources_of_type("AWS::EC2::SecurityGroupIngress")
	p := props(x)
	g := ref_id(p.GroupId)
}

# inline rule list given by Fn::If or another unresolvable value
rules_unknown(g, key) if {
	x := props(g)[key]
	is_object(x)
}

rules_unknown(g, key) if {
	some r in as_list(props(g)[key])
	r.__conditional
}

groups_with_egress := {g | some [g, _] in all_egress}

# no egress rule at all (CloudFormation default allow-all) or unreadable rules
egress_open := {g | some g in sg_ids; not g in groups_with_egress} | {g |
	some g in sg_ids
	rules_unknown(g, "SecurityGroupEgress")
}

num(x) := x if is_number(x)

num(x) := to_number(x) if {
	is_string(x)
	regex.match(`^-?[0-9]+$`, x)
}

proto_all(p) if p == -1

proto_all(p) if p == "-1"

proto_tcp(p) if p == 6

proto_tcp(p) if {
	is_string(p)
	lower(p) in {"tcp", "6"}
}

port_unknown(x) if not num(x)

covers_443(r) if proto_all(r.IpProtocol)

covers_443(r) if is_object(r.IpProtocol)

covers_443(r) if {
	proto_tcp(r.IpProtocol)
	from_ok(r)
	to_ok(r)
}

from_ok(r) if num(r.FromPort) <= 443

from_ok(r) if port_unknown(r.FromPort)

to_ok(r) if num(r.ToPort) >= 443

to_ok(r) if num(r.ToPort) == -1

to_ok(r) if port_unknown(r.ToPort)

# --- PRIVATEPULL-S3-EGRESS ---------------------------------------------------

s3_dest(r) if "DestinationPrefixListId" in object.keys(r)

s3_dest(r) if r.CidrIp == "0.0.0.0/0"

s3_dest(r) if {
	is_object(r.CidrIp)
	not ref_id(r.CidrIp) # a VPC CIDR does not hold S3
}

s3_egress_groups := egress_open | {g |
	some [g, r] in all_egress
	covers_443(r)
	s3_dest(r)
}

violation contains v if {
	some s in checked_services
	pulls_ecr(s)
	task_sgs_known(s)
	gs := task_sgs(s)
	every g in gs {
		not g in s3_egress_groups
	}
	v := make_diag_at(
		"PRIVATEPULL-S3-EGRESS", "ERROR", s, sg_path,
		sprintf("ECS service %s's security groups (%s) have no tcp/443 egress to the S3 managed prefix list com.amazonaws.<region>.s3; image layers come from S3 through the gateway endpoint, so the pull fails with CannotPullContainerError ... prod-<region>-starport-layer-bucket.s3... Add an egress rule tcp/443 to the prefix list (DestinationPrefixListId of com.amazonaws.<region>.s3, e.g. from ec2.PrefixList.fromLookup or DescribeManagedPrefixLists).", [s, sg_list(gs)]),
	)
}

# --- interface endpoints the service needs -----------------------------------

needed_endpoints(s) := {e |
	some vpc in service_vpcs(s)
	some suffix in ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages"]
	needs(s, suffix)
	some e in interface_endpoints(vpc, suffix)
}

ep_sgs(e) := {g |
	some x in as_list(props(e).SecurityGroupIds)
	g := ref_of_type(x, "AWS::EC2::SecurityGroup")
}

# all of the endpoint's groups are in the template (no groups: the VPC's
# default group, unknown)
ep_sgs_known(e) if {
	entries := props(e).SecurityGroupIds
	is_array(entries)
	count(entries) > 0
	every x in entries {
		ref_of_type(x, "AWS::EC2::SecurityGroup")
	}
}

# --- PRIVATEPULL-ENDPOINT-EGRESS -------------------------------------------

# groups whose tcp/443 egress reaches any address in the VPC: allow-all, any
# CidrIp, or a destination group outside the template (unknown)
egress_any_endpoint := egress_open | {g |
	some [g, r] in all_egress
	covers_443(r)
	"CidrIp" in object.keys(r)
} | {g |
	some [g, r] in all_egress
	covers_443(r)
	x := r.DestinationSecurityGroupId
	not ref_of_type(x, "AWS::EC2::SecurityGroup")
}

egress_to_group := {[g, dg] |
	some [g, r] in all_egress
	covers_443(r)
	dg := ref_id(r.DestinationSecurityGroupId)
}

egress_reaches(g, e) if {
	g in egress_any_endpoint
	e
}

egress_reaches(g, e) if {
	some eg in ep_sgs(e)
	[g, eg] in egress_to_group
}

violation contains v if {
	some s in checked_services
	task_sgs_known(s)
	gs := task_sgs(s)
	some e in needed_endpoints(s)
	ep_sgs_known(e)
	every g in gs {
		not egress_reaches(g, e)
	}
	v := make_diag_at(
		"PRIVATEPULL-ENDPOINT-EGRESS", "ERROR", s, sg_path,
		sprintf("ECS service %s's security groups (%s) have no tcp/443 egress to interface endpoint %s (%s, security groups %s); the task cannot reach it and the pull or start fails (CannotPullContainerError / ResourceInitializationError: i/o timeout). Add an egress rule tcp/443 from the task group to the endpoint's security group (or to the VPC CIDR).", [s, sg_list(gs), e, ep_service(e), sg_list(ep_sgs(e))]),
	)
}

# --- PRIVATEPULL-ENDPOINT-INGRESS ------------------------------------------

# groups admitting tcp/443 from any address or unknown source (CIDR, prefix
# list, group outside the template) or with unreadable ingress rules
ingress_open := {g | some g in sg_ids; rules_unknown(g, "SecurityGroupIngress")} | {g |
	some [g, r] in all_ingress
	covers_443(r)
	some key in ["CidrIp", "CidrIpv6", "SourcePrefixListId", "SourceSecurityGroupName"]
	key in object.keys(r)
} | {g |
	some [g, r] in all_ingress
	covers_443(r)
	x := r.SourceSecurityGroupId
	not ref_of_type(x, "AWS::EC2::SecurityGroup")
}

ingress_from_group := {[g, sg] |
	some [g, r] in all_ingress
	covers_443(r)
	sg := ref_id(r.SourceSecurityGroupId)
}

ingress_admits(eg, gs) if {
	eg in ingress_open
	gs
}

ingress_admits(eg, gs) if {
	some g in gs
	[eg, g] in ingress_from_group
}

violation contains v if {
	some s in checked_services
	task_sgs_known(s)
	gs := task_sgs(s)
	some e in needed_endpoints(s)
	ep_sgs_known(e)
	egs := ep_sgs(e)
	every eg in egs {
		not ingress_admits(eg, gs)
	}
	v := make_diag_at(
		"PRIVATEPULL-ENDPOINT-INGRESS", "ERROR", e, "Properties.SecurityGroupIds",
		sprintf("Interface endpoint %s (%s) has security groups (%s) that admit no tcp/443 from ECS service %s's security groups (%s); the endpoint refuses the task's HTTPS connections and the pull or start fails (CannotPullContainerError / ResourceInitializationError: i/o timeout). Add an ingress rule tcp/443 from the task's security group (or the VPC CIDR) to the endpoint's security group.", [e, ep_service(e), sg_list(egs), s, sg_list(gs)]),
	)
}

# --- PRIVATEPULL-PUBLIC-IP ---------------------------------------------------

violation contains v if {
	some s in checked_services
	awsvpc_cfg(s).AssignPublicIp == "ENABLED"
	v := make_diag_at(
		"PRIVATEPULL-PUBLIC-IP", "ERROR", s, "Properties.NetworkConfiguration.AwsvpcConfiguration.AssignPublicIp",
		sprintf("ECS service %s has AssignPublicIp ENABLED: its tasks get a public address and, with an internet gateway route, pull and talk to AWS over the internet instead of through the VPC endpoints. Set AssignPublicIp to DISABLED and run the tasks in private or isolated subnets.", [s]),
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

# ---------------------------------------------------------------------------
# Shared endpoint helpers (duplicated in endpoints.rego, network.rego and
# policies.rego; keep the copies identical).
# ---------------------------------------------------------------------------

endpoints_in(vpc) := {e |
	some e in resources_of_type("AWS::EC2::VPCEndpoint")
	ref_id(props(e).VpcId) == vpc
}

ep_service(e) := name if {
	name := props(e).ServiceName
	is_string(name)
}

# a Join / Sub whose service part is known ("Join:com.amazonaws.{ref:X}.ecr.api")
ep_service(e) := regex.replace(d, `^(Join|Sub):`, "") if {
	d := props(e).ServiceName.__dynamic
	is_string(d)
	regex.match(`^(Join|Sub):.*[.][a-z0-9-]+$`, d)
}

has_suffix(e, suffix) if endswith(ep_service(e), concat("", [".", suffix]))

ep_type(e) := t if {
	t := props(e).VpcEndpointType
	is_string(t)
}

ep_type(e) := "Gateway" if not "VpcEndpointType" in object.keys(props(e))

ep_interface(e) if ep_type(e) == "Interface"

ep_interface(e) if not ep_type(e) # unknown type: assume it can be

ep_gateway(e) if ep_type(e) == "Gateway"

ep_gateway(e) if not ep_type(e)

# an endpoint whose service or VPC cannot be read: existence rules go silent
ep_unknown_for(vpc) if {
	some e in resources_of_type("AWS::EC2::VPCEndpoint")
	ref_id(props(e).VpcId) == vpc
	not ep_service(e)
}

ep_unknown_for(vpc) if {
	some e in resources_of_type("AWS::EC2::VPCEndpoint")
	x := props(e).VpcId
	is_object(x)
	not ref_id(x)
	vpc
}

interface_endpoints(vpc, suffix) := {e |
	some e in endpoints_in(vpc)
	has_suffix(e, suffix)
	ep_interface(e)
}

# interface endpoint services a service needs beyond ecr.api / ecr.dkr
needs(s, "ecr.api") if pulls_ecr(s)

needs(s, "ecr.dkr") if pulls_ecr(s)

needs(s, "logs") if {
	some c in containers(s)
	c.LogConfiguration.LogDriver == "awslogs"
}

needs(s, "secretsmanager") if {
	some v in secret_values(s)
	secret_kind(v, "secretsmanager")
}

needs(s, "ssm") if {
	some v in secret_values(s)
	secret_kind(v, "ssm")
}

needs(s, "ssmmessages") if is_true(props(s).EnableExecuteCommand)

# KMS is needed with customer keys for secrets or exec sessions; when the VPC
# has a kms endpoint and the service uses either, it must resolve privately.
needs(s, "kms") if needs(s, "secretsmanager")

needs(s, "kms") if needs(s, "ssm")

needs(s, "kms") if needs(s, "ssmmessages")

secret_values(s) := {v |
	some c in containers(s)
	some sec in as_list(c.Secrets)
	v := sec.ValueFrom
} | {v |
	some c in containers(s)
	v := c.RepositoryCredentials.CredentialsParameter
}

secret_kind(v, "secretsmanager") if ref_of_type(v, "AWS::SecretsManager::Secret")

secret_kind(v, "secretsmanager") if contains(str_of(v), ":secretsmanager:")

secret_kind(v, "secretsmanager") if {
	some id in dyn_refs(v)
	rtype(id) == "AWS::SecretsManager::Secret"
}

secret_kind(v, "ssm") if ref_of_type(v, "AWS::SSM::Parameter")

secret_kind(v, "ssm") if contains(str_of(v), ":ssm:")

secret_kind(v, "ssm") if contains(str_of(v), ":parameter/")

secret_kind(v, "ssm") if {
	is_string(v)
	not startswith(v, "arn:")
}

# logical ids named inside a dynamic value ({ref:ID} in Join, ${ID} in Sub)
dyn_refs(v) := {id |
	s := v.__dynamic
	is_string(s)
	some m in regex.find_n(`\{ref:[A-Za-z0-9]+\}|\$\{[A-Za-z0-9]+\}`, s, -1)
	id := trim_suffix(trim_prefix(trim_prefix(trim_prefix(m, "$"), "{"), "ref:"), "}")
	input.resources[id]
}
