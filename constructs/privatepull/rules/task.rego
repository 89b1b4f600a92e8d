package privatepull.task

import rego.v1

# PRIVATEPULL-EXECUTION-ROLE: a task definition with a private ECR image needs
# an execution role allowing ecr:GetAuthorizationToken, ecr:BatchGetImage and
# ecr:GetDownloadUrlForLayer. Permissions are read from the role's inline
# Policies, AWS::IAM::Policy / AWS::IAM::ManagedPolicy / AWS::IAM::RolePolicy
# resources attached to it, and ManagedPolicyArns (in-template managed
# policies, or AWS managed policies known to grant the pull). A role outside
# the template, an unknown managed policy or an unreadable document: silent.

pull_actions := ["ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"]

# AWS managed policies that grant the three pull actions
granting_managed := [
	"AmazonECSTaskExecutionRolePolicy",
	"AmazonEC2ContainerRegistryReadOnly",
	"AmazonEC2ContainerRegistryPullOnly",
	"AmazonEC2ContainerRegistryPowerUser",
	"AmazonEC2ContainerRegistryFullAccess",
	"AdministratorAccess",
	"PowerUserAccess",
]

checked_task_defs contains td if {
	some s in checked_services
	td := task_def(s)
}

ecr_image_containers(td) := [c |
	some c in as_list(props(td).ContainerDefinitions)
	is_object(c)
	image_is_ecr(c.Image)
]

users(td) := concat(", ", sort([s | some s in checked_services; task_def(s) == td]))

violation contains v if {
	some td in checked_task_defs
	count(ecr_image_containers(td)) > 0
	not "ExecutionRoleArn" in object.keys(props(td))
	v := make_diag_at(
		"PRIVATEPULL-EXECUTION-ROLE", "ERROR", td, "Properties.ExecutionRoleArn",
		sprintf("Task definition %s (ECS service %s) runs a private ECR image but has no ExecutionRoleArn; Fargate pulls the image with the execution role, so the pull fails with CannotPullContainerError (no basic auth credentials / AccessDenied). Set ExecutionRoleArn to a role allowing ecr:GetAuthorizationToken, ecr:BatchGetImage and ecr:GetDownloadUrlForLayer (e.g. with the AmazonECSTaskExecutionRolePolicy managed policy).", [td, users(td)]),
	)
}

violation contains v if {
	some td in checked_task_defs
	count(ecr_image_containers(td)) > 0
	role := ref_of_type(props(td).ExecutionRoleArn, "AWS::IAM::Role")
	not role_unknown(role)
	missing := [a | some a in pull_actions; not granted(role, a)]
	count(missing) > 0
	v := make_diag_at(
		"PRIVATEPULL-EXECUTION-ROLE", "ERROR", td, "Properties.ExecutionRoleArn",
		sprintf("Task definition %s (ECS service %s) runs a private ECR image, but its execution role %s is not allowed %s; the pull fails with CannotPullContainerError (AccessDenied). Grant ecr:GetAuthorizationToken on * and ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on the repository to role %s (e.g. repository.grantPull or the AmazonECSTaskExecutionRolePolicy managed policy).", [td, users(td), role, concat(", ", missing), role]),
	)
}

attached(x, role) if ref_id(x) == role

attached(x, role) if {
	is_string(x)
	x == props(role).RoleName
}

role_docs(role) := {d | some p in as_list(props(role).Policies); d := p.PolicyDocument} | {d |
	some t in ["AWS::IAM::Policy", "AWS::IAM::ManagedPolicy"]
	some p in resources_of_type(t)
	some x in as_list(props(p).Roles)
	attached(x, role)
	d := props(p).PolicyDocument
} | {d |
	some p in resources_of_type("AWS::IAM::RolePolicy")
	attached(props(p).RoleName, role)
	d := props(p).PolicyDocument
} | {d |
	some x in as_list(props(role).ManagedPolicyArns)
	m := ref_of_type(x, "AWS::IAM::ManagedPolicy")
	d := props(m).PolicyDocument
}

granting_arn(x) if {
	some name in granting_managed
	endswith(str_of(x), concat("", ["/", name]))
}

role_unknown(role) if {
	some x in as_list(props(role).ManagedPolicyArns)
	not ref_of_type(x, "AWS::IAM::ManagedPolicy")
}

role_unknown(role) if {
	x := props(role).Policies
	not is_array(x)
}

role_unknown(role) if {
	some d in role_docs(role)
	doc_unknown(d)
}

role_unknown(role) if {
	some p in resources_of_type("AWS::IAM::Policy")
	some x in as_list(props(p).Roles)
	is_object(x)
	not ref_id(x)
	role
}

granted(role, a) if {
	some x in as_list(props(role).ManagedPolicyArns)
	granting_arn(x)
}

granted(role, a) if {
	some d in role_docs(role)
	doc_allows(d, a)
	not role_denies(role, a)
}

role_denies(role, a) if {
	some d in role_docs(role)
	doc_denies(d, a)
}

doc_allows(d, a) if {
	some st in statements(d)
	st.Effect == "Allow"
	allow_action(st, a)
	allow_resource(st)
}

doc_denies(d, a) if {
	some st in statements(d)
	st.Effect == "Deny"
	not "Condition" in object.keys(st)
	deny_action(st, a)
	deny_resource_all(st)
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
