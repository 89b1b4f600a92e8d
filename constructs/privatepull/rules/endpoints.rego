package privatepull.endpoints

import rego.v1

# Interface and gateway endpoints an ECS service in awsvpc mode needs to pull
# a private ECR image and start without leaving its VPC:
#   PRIVATEPULL-ECR-API, PRIVATEPULL-ECR-DKR, PRIVATEPULL-PRIVATE-DNS,
#   PRIVATEPULL-S3-INTERFACE, PRIVATEPULL-S3-GATEWAY,
#   PRIVATEPULL-LOGS-ENDPOINT, PRIVATEPULL-SECRETS-ENDPOINT,
#   PRIVATEPULL-EXEC-ENDPOINT.
# The service's VPC is found through its subnets or security groups; when it
# is not in the template, or an endpoint in it cannot be read, the rules about
# missing endpoints stay silent.

net_path := "Properties.NetworkConfiguration.AwsvpcConfiguration"

# (service, vpc) pairs whose endpoint set can be decided
decidable contains [s, vpc] if {
	some s in checked_services
	some vpc in service_vpcs(s)
	not ep_unknown_for(vpc)
}

missing(s, vpc, suffix) if {
	decidable[[s, vpc]]
	count(interface_endpoints(vpc, suffix)) == 0
}

violation contains v if {
	some [s, vpc] in decidable
	needs(s, "ecr.api")
	missing(s, vpc, "ecr.api")
	v := make_diag_at(
		"PRIVATEPULL-ECR-API", "ERROR", s, net_path,
		sprintf("ECS service %s runs in VPC %s, which has no interface endpoint for com.amazonaws.<region>.ecr.api; without it the task cannot get a registry token (ecr:GetAuthorizationToken) or the image manifest, and the pull fails with CannotPullContainerError / ResourceInitializationError. Add an AWS::EC2::VPCEndpoint with ServiceName com.amazonaws.<region>.ecr.api, VpcEndpointType Interface and PrivateDnsEnabled true in the service's subnets.", [s, vpc]),
	)
}

violation contains v if {
	some [s, vpc] in decidable
	needs(s, "ecr.dkr")
	missing(s, vpc, "ecr.dkr")
	v := make_diag_at(
		"PRIVATEPULL-ECR-DKR", "ERROR", s, net_path,
		sprintf("ECS service %s runs in VPC %s, which has no interface endpoint for com.amazonaws.<region>.ecr.dkr; the Docker registry API is unreachable and the pull fails with CannotPullContainerError. Add an AWS::EC2::VPCEndpoint with ServiceName com.amazonaws.<region>.ecr.dkr, VpcEndpointType Interface and PrivateDnsEnabled true in the service's subnets.", [s, vpc]),
	)
}

dns_on_or_unknown(e) if is_true(props(e).PrivateDnsEnabled)

dns_on_or_unknown(e) if {
	x := props(e).PrivateDnsEnabled
	is_object(x)
}

# Private DNS off (CloudFormation default: false) on every endpoint of a
# service the task needs: the regional hostname resolves to public addresses.
violation contains v if {
	some s in checked_services
	some vpc in service_vpcs(s)
	some suffix in ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages", "kms"]
	needs(s, suffix)
	eps := interface_endpoints(vpc, suffix)
	count(eps) > 0
	every e in eps {
		not dns_on_or_unknown(e)
	}
	some e in eps
	v := make_diag_at(
		"PRIVATEPULL-PRIVATE-DNS", "ERROR", e, "Properties.PrivateDnsEnabled",
		sprintf("Interface endpoint %s (%s) has private DNS off (PrivateDnsEnabled defaults to false in CloudFormation), so from ECS service %s the regional name %s still resolves to public addresses and the task leaves the VPC or times out. Set PrivateDnsEnabled: true (and keep EnableDnsSupport and EnableDnsHostnames on the VPC).", [e, ep_service(e), s, ep_service(e)]),
	)
}

s3_gateways(vpc) := {e |
	some e in endpoints_in(vpc)
	has_suffix(e, "s3")
	ep_gateway(e)
}

s3_interfaces(vpc) := {e |
	some e in endpoints_in(vpc)
	has_suffix(e, "s3")
	ep_type(e) == "Interface"
}

violation contains v if {
	some [s, vpc] in decidable
	pulls_ecr(s)
	count(s3_gateways(vpc)) == 0
	some e in s3_interfaces(vpc)
	v := make_diag_at(
		"PRIVATEPULL-S3-INTERFACE", "ERROR", s, net_path,
		sprintf("ECS service %s runs in VPC %s, which has an S3 interface endpoint (%s) but no S3 gateway endpoint; ECR serves image layers from S3 (prod-<region>-starport-layer-bucket) only through a gateway endpoint, so the pull fails with CannotPullContainerError. Add an AWS::EC2::VPCEndpoint com.amazonaws.<region>.s3 with VpcEndpointType Gateway on the route tables of the service's subnets.", [s, vpc, e]),
	)
}

violation contains v if {
	some [s, vpc] in decidable
	pulls_ecr(s)
	count(s3_gateways(vpc)) == 0
	count(s3_interfaces(vpc)) == 0
	v := make_diag_at(
		"PRIVATEPULL-S3-GATEWAY", "ERROR", s, net_path,
		sprintf("ECS service %s runs in VPC %s, which has no S3 gateway endpoint; ECR image layers are downloaded from S3 (prod-<region>-starport-layer-bucket), so the pull fails with CannotPullContainerError. Add an AWS::EC2::VPCEndpoint com.amazonaws.<region>.s3 (VpcEndpointType Gateway) with RouteTableIds listing the route tables of the service's subnets.", [s, vpc]),
	)
}

# --- S3 gateway on the route tables of the service's subnets ---------------

subnet_route_tables(sn) := {rt |
	some a in resources_of_type("AWS::EC2::SubnetRouteTableAssociation")
	ref_id(props(a).SubnetId) == sn
	rt := ref_of_type(props(a).RouteTableId, "AWS::EC2::RouteTable")
}

subnet_rt_unknown(sn) if {
	some a in resources_of_type("AWS::EC2::SubnetRouteTableAssociation")
	ref_id(props(a).SubnetId) == sn
	not ref_of_type(props(a).RouteTableId, "AWS::EC2::RouteTable")
}

gateway_route_tables(vpc) := {rt |
	some e in s3_gateways(vpc)
	some x in as_list(props(e).RouteTableIds)
	rt := ref_id(x)
}

gateway_rt_unknown(vpc) if {
	some e in s3_gateways(vpc)
	some x in as_list(props(e).RouteTableIds)
	not ref_of_type(x, "AWS::EC2::RouteTable")
}

violation contains v if {
	some [s, vpc] in decidable
	pulls_ecr(s)
	gws := s3_gateways(vpc)
	count(gws) > 0
	not gateway_rt_unknown(vpc)
	some sn in service_subnets(s)
	not subnet_rt_unknown(sn)
	some rt in subnet_route_tables(sn)
	not rt in gateway_route_tables(vpc)
	v := make_diag_at(
		"PRIVATEPULL-S3-GATEWAY", "ERROR", s, net_path,
		sprintf("ECS service %s uses subnet %s, whose route table %s is not in the RouteTableIds of the S3 gateway endpoint (%s); tasks there have no route to S3 for the image layers (prod-<region>-starport-layer-bucket) and the pull fails with CannotPullContainerError. Add %s to the gateway endpoint's RouteTableIds.", [s, sn, rt, sg_list(gws), rt]),
	)
}

# --- endpoints needed by what the task definition uses ----------------------

violation contains v if {
	some [s, vpc] in decidable
	needs(s, "logs")
	missing(s, vpc, "logs")
	v := make_diag_at(
		"PRIVATEPULL-LOGS-ENDPOINT", "ERROR", s, "Properties.TaskDefinition",
		sprintf("ECS service %s runs task definition %s, whose containers use the awslogs log driver, but VPC %s has no interface endpoint for com.amazonaws.<region>.logs; the task fails to start (DockerTimeoutError / log driver errors). Add an interface endpoint com.amazonaws.<region>.logs with PrivateDnsEnabled true.", [s, task_def(s), vpc]),
	)
}

violation contains v if {
	some [s, vpc] in decidable
	some suffix in ["secretsmanager", "ssm"]
	needs(s, suffix)
	missing(s, vpc, suffix)
	v := make_diag_at(
		"PRIVATEPULL-SECRETS-ENDPOINT", "ERROR", s, "Properties.TaskDefinition",
		sprintf("ECS service %s runs task definition %s, whose containers read Secrets / RepositoryCredentials from %s, but VPC %s has no interface endpoint for com.amazonaws.<region>.%s; the task fails with ResourceInitializationError: unable to pull secrets or registry auth. Add an interface endpoint com.amazonaws.<region>.%s with PrivateDnsEnabled true.", [s, task_def(s), secret_store_name(suffix), vpc, suffix, suffix]),
	)
}

secret_store_name("secretsmanager") := "AWS Secrets Manager"

secret_store_name("ssm") := "SSM Parameter Store"

violation contains v if {
	some [s, vpc] in decidable
	needs(s, "ssmmessages")
	missing(s, vpc, "ssmmessages")
	v := make_diag_at(
		"PRIVATEPULL-EXEC-ENDPOINT", "ERROR", s, "Properties.EnableExecuteCommand",
		sprintf("ECS service %s has EnableExecuteCommand true, but VPC %s has no interface endpoint for com.amazonaws.<region>.ssmmessages; the ECS Exec agent cannot open its channel and execute-command fails. Add an interface endpoint com.amazonaws.<region>.ssmmessages with PrivateDnsEnabled true.", [s, vpc]),
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
