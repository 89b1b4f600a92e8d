package privatepull.policies

import rego.v1

# Endpoint policies on the pull path:
#   PRIVATEPULL-S3-POLICY: the S3 gateway endpoint policy must allow
#     s3:GetObject on arn:aws:s3:::prod-<region>-starport-layer-bucket/*
#     (no PolicyDocument: full access, fine).
#   PRIVATEPULL-ENDPOINT-POLICY: ecr.api / ecr.dkr endpoint policies must allow
#     ecr:GetAuthorizationToken, ecr:BatchGetImage, ecr:GetDownloadUrlForLayer.
# Only endpoints in the VPC of an ECS service (awsvpc) that pulls a private
# ECR image are checked.

pull_actions := ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]

pull_vpcs contains vpc if {
	some s in checked_services
	pulls_ecr(s)
	some vpc in service_vpcs(s)
}

vpc_users(vpc) := concat(", ", sort([s | some s in checked_services; pulls_ecr(s); vpc in service_vpcs(s)]))

has_policy(e) if "PolicyDocument" in object.keys(props(e))

# region from com.amazonaws.REGION.SERVICE
ep_region(e) := parts[2] if {
	parts := split(ep_service(e), ".")
	count(parts) == 4
	regex.match(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`, parts[2])
}

partition_of(r) := "aws-cn" if startswith(r, "cn-")

partition_of(r) := "aws-us-gov" if startswith(r, "us-gov-")

partition_of(r) := "aws" if {
	not startswith(r, "cn-")
	not startswith(r, "us-gov-")
}

# Regions to test the layer bucket for: the endpoint's own region, plus any
# region the policy names a layer bucket for literally. The engine resolves
# Ref AWS::Region to a default region, while CDK writes some names with the
# stack's literal region, so a literal region in the policy is trusted.
layer_regions(e, d) := {ep_region(e)} | {r |
	some st in statements(d)
	some x in as_list(st.Resource)
	some m in regex.find_n(`prod-[a-z0-9-]+-starport-layer-bucket`, pattern_of(x), -1)
	r := trim_suffix(trim_prefix(m, "prod-"), "-starport-layer-bucket")
}

layer_objects(e, d) := {sprintf("arn:%s:s3:::prod-%s-starport-layer-bucket/sha256/0", [p, r]) |
	some r in layer_regions(e, d)
	some p in ["aws", "aws-cn", "aws-us-gov"]
}

s3_resource_allows(st, target) if {
	some x in as_list(st.Resource)
	iam_match(pattern_of(x), target)
}

s3_resource_allows(st, target) if {
	"NotResource" in object.keys(st)
	not "Resource" in object.keys(st)
	every x in as_list(st.NotResource) {
		not literal_match(x, target)
	}
}

literal_match(x, target) if {
	is_string(x)
	iam_match(x, target)
}

s3_allowed(d, target) if {
	some st in statements(d)
	st.Effect == "Allow"
	allow_action(st, "s3:GetObject")
	s3_resource_allows(st, target)
}

s3_denied(d, target) if {
	some st in statements(d)
	st.Effect == "Deny"
	not "Condition" in object.keys(st)
	deny_principal_all(st)
	deny_action(st, "s3:GetObject")
	some x in as_list(st.Resource)
	literal_match(x, target)
}

violation contains v if {
	some vpc in pull_vpcs
	some e in endpoints_in(vpc)
	has_suffix(e, "s3")
	ep_gateway(e)
	has_policy(e)
	d := props(e).PolicyDocument
	not doc_unknown(d)
	ep_region(e)
	not s3_ok_any(e, d)
	v := make_diag_at(
		"PRIVATEPULL-S3-POLICY", "ERROR", e, "Properties.PolicyDocument",
		sprintf("S3 gateway endpoint %s (VPC %s, used by ECS service %s) has a PolicyDocument that does not allow s3:GetObject on arn:%s:s3:::prod-%s-starport-layer-bucket/*; ECR image layers are served from that bucket, so every pull through this endpoint fails with CannotPullContainerError (403). Add a statement Effect Allow, Principal *, Action s3:GetObject, Resource arn:%s:s3:::prod-%s-starport-layer-bucket/* (and remove any Deny covering it).", [e, vpc, vpc_users(vpc), partition_of(ep_region(e)), ep_region(e), partition_of(ep_region(e)), ep_region(e)]),
	)
}

s3_ok_any(e, d) if {
	some target in layer_objects(e, d)
	s3_ok(d, target)
}

s3_ok(d, target) if {
	s3_allowed(d, target)
	not s3_denied(d, target)
}

# ecr endpoints: any resource counts for an Allow; a Deny counts when it is
# unconditional, for everyone, and on every resource
ecr_allowed(d, a) if {
	some st in statements(d)
	st.Effect == "Allow"
	allow_action(st, a)
	allow_resource(st)
}

ecr_denied(d, a) if {
	some st in statements(d)
	st.Effect == "Deny"
	not "Condition" in object.keys(st)
	deny_principal_all(st)
	deny_action(st, a)
	deny_resource_all(st)
}

ecr_ok(d, a) if {
	ecr_allowed(d, a)
	not ecr_denied(d, a)
}

violation contains v if {
	some vpc in pull_vpcs
	some e in endpoints_in(vpc)
	some suffix in ["ecr.api", "ecr.dkr"]
	has_suffix(e, suffix)
	ep_interface(e)
	has_policy(e)
	d := props(e).PolicyDocument
	not doc_unknown(d)
	blocked := [a | some a in pull_actions; not ecr_ok(d, a)]
	count(blocked) > 0
	v := make_diag_at(
		"PRIVATEPULL-ENDPOINT-POLICY", "ERROR", e, "Properties.PolicyDocument",
		sprintf("Interface endpoint %s (%s, VPC %s, used by ECS service %s) has a PolicyDocument that does not allow (or denies) %s; the pull through this endpoint fails with CannotPullContainerError (AccessDenied). Allow ecr:GetAuthorizationToken, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer for Principal * (AWS's AllowPull example), or remove the PolicyDocument.", [e, ep_service(e), vpc, vpc_users(vpc), concat(", ", blocked)]),
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

# ---------------------------------------------------------------------------
# IAM policy evaluation helpers (shared by policies.rego and task.rego).
# Allow is read leniently (unknown parts count as allowing), Deny strictly
# (only a literal, unconditional Deny counts): both bias towards silence.
# ---------------------------------------------------------------------------

doc_of(d) := d if is_object(d)

doc_of(d) := json.unmarshal(d) if is_string(d)

statements(d) := [st | some st in as_list(doc_of(d).Statement); is_object(st)]

doc_unknown(d) if not doc_of(d)

doc_unknown(d) if {
	x := doc_of(d).Statement
	is_object(x)
	x.__conditional
}

doc_unknown(d) if {
	x := doc_of(d).Statement
	is_object(x)
	x.__dynamic
}

doc_unknown(d) if {
	some st in as_list(doc_of(d).Statement)
	not is_object(st)
}

doc_unknown(d) if {
	some st in as_list(doc_of(d).Statement)
	st.__conditional
}

doc_unknown(d) if {
	some st in as_list(doc_of(d).Statement)
	is_object(st.Effect)
}

# IAM wildcard pattern (* and ?) to an anchored regular expression; unknown
# parts of a dynamic value become *
pattern_of(x) := x if is_string(x)

pattern_of(x) := regex.replace(substring(x.__dynamic, 5, -1), `\{[^}]*\}`, "*") if {
	is_string(x.__dynamic)
	startswith(x.__dynamic, "Join:")
}

pattern_of(x) := regex.replace(substring(x.__dynamic, 4, -1), `\$\{[^}]*\}`, "*") if {
	is_string(x.__dynamic)
	startswith(x.__dynamic, "Sub:")
}

pattern_of(x) := "*" if {
	is_object(x)
	not is_string(x.__dynamic)
}

pattern_of(x) := "*" if {
	is_string(x.__dynamic)
	not startswith(x.__dynamic, "Join:")
	not startswith(x.__dynamic, "Sub:")
}

glob_re(p) := concat("", ["^", replace(replace(escaped, "*", ".*"), "?", "."), "$"]) if {
	escaped := regex.replace(p, `([\\.+^$()|\[\]{}])`, `\$1`)
}

iam_match(p, value) if regex.match(glob_re(p), value)

# lenient: any pattern (unknown parts as wildcards) matching
allow_action(st, a) if {
	some x in as_list(st.Action)
	iam_match(lower(pattern_of(x)), lower(a))
}

allow_action(st, a) if {
	"NotAction" in object.keys(st)
	not "Action" in object.keys(st)
	every x in as_list(st.NotAction) {
		not literal_match_ci(x, a)
	}
}

allow_resource(st) if "Resource" in object.keys(st)

allow_resource(st) if "NotResource" in object.keys(st)

literal_match_ci(x, a) if {
	is_string(x)
	iam_match(lower(x), lower(a))
}

# strict: only literal patterns
deny_action(st, a) if {
	some x in as_list(st.Action)
	literal_match_ci(x, a)
}

deny_principal_all(st) if not "Principal" in object.keys(st)

deny_principal_all(st) if st.Principal == "*"

deny_principal_all(st) if st.Principal.AWS == "*"

deny_resource_all(st) if {
	some x in as_list(st.Resource)
	x == "*"
}
