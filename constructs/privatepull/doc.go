// Package privatepull builds the private pull path of ECS Fargate services:
// tasks in subnets with no internet route pull their private ECR image,
// write their logs and read their secrets without any traffic leaving the
// VPC.
//
// # The path
//
//	task ──(its own group: no egress) + client group
//	  client group ──tcp/443──▶ endpoint group ──▶ ecr.api, ecr.dkr, logs
//	                                               (+ secretsmanager, ssm, kms, ssmmessages on demand)
//	  client group ──tcp/443──▶ S3 prefix list com.amazonaws.REGION.s3
//	                              └─ route tables of the task subnets ──▶ S3 gateway endpoint
//	                                   └─ s3:GetObject on prod-REGION-starport-layer-bucket/*
//
// ECR serves image layers from S3, so besides the ecr.api and ecr.dkr
// interface endpoints a pull needs the S3 gateway endpoint on the task
// subnets' route tables AND tcp/443 egress to the S3 managed prefix list.
// Without the egress, tasks fail with "CannotPullContainerError ...
// starport-layer-bucket": the mistake this package exists to make impossible.
//
// # Three ways in
//
// NewFargateService is the whole thing: a service with its task definition,
// log group, security group and roles, on the VPC's shared endpoint set
// (SharedEndpoints) unless given one. NewEndpoints builds that set on its own,
// to share among services (one set per VPC; each service joins its client
// group, so the endpoint groups keep a constant number of rules however many
// services join) or to combine with tasks of your own. MakePrivate (an
// aspect, NewAspect) does the same for services you already have, written
// with awsecs or ecs-patterns: one line on a stack or the App.
// NewPullPathPlugin and CheckTemplate check templates the library did not
// build, with the plain-Go model of package pullpath: register the plugin on
// an App, or run the pullcheck command on templates, a cdk.out or a
// Terraform folder.
//
// # Errors
//
// Constructors check their props before creating anything and panic with an
// *Error naming the field, the value received and what is expected, as the
// CDK's generated bindings do; `cdk synth` prints it. Tokens are not judged.
package privatepull
