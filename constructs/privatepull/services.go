package privatepull

import (
	"fmt"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsiam"
	"github.com/aws/jsii-runtime-go"
)

// InterfaceService names an AWS service whose interface endpoint a task may
// need, by the last part of its endpoint name com.amazonaws.REGION.SERVICE.
type InterfaceService string

// The interface endpoints privatepull knows. Every set has the first three;
// the others are added when a service needs them.
const (
	EcrApi         InterfaceService = "ecr.api"        // registry auth and manifests
	EcrDkr         InterfaceService = "ecr.dkr"        // the Docker registry API
	Logs           InterfaceService = "logs"           // the awslogs driver
	SecretsManager InterfaceService = "secretsmanager" // secrets from Secrets Manager
	Ssm            InterfaceService = "ssm"            // secrets from SSM parameters
	Kms            InterfaceService = "kms"            // customer-managed keys of secrets or ECS Exec
	SsmMessages    InterfaceService = "ssmmessages"    // the ECS Exec channel
)

// requiredServices are in every set but the aspect's.
var requiredServices = []InterfaceService{EcrApi, EcrDkr, Logs}

// allServices are the interface services privatepull knows, in a fixed order.
var allServices = []InterfaceService{EcrApi, EcrDkr, Logs, SecretsManager, Ssm, Kms, SsmMessages}

// serviceInfo is what privatepull knows of one interface service: the
// construct id of its endpoint and what its policy allows (to principals of
// the set's accounts).
type serviceInfo struct {
	id       string
	endpoint func() awsec2.InterfaceVpcEndpointAwsService
	sid      string
	actions  []string
	resource string // ARN format of partition, region, account; "*" for none
}

// services is read at construction time only: its endpoint services are
// functions because a jsii call at package initialisation would start the
// Node.js kernel on import.
var services = map[InterfaceService]serviceInfo{
	EcrApi: {"EcrApi", awsec2.InterfaceVpcEndpointAwsService_ECR, "", nil, ""},
	EcrDkr: {"EcrDkr", awsec2.InterfaceVpcEndpointAwsService_ECR_DOCKER, "", nil, ""},
	Logs: {"Logs", awsec2.InterfaceVpcEndpointAwsService_CLOUDWATCH_LOGS, "AllowLogWrites",
		[]string{"logs:CreateLogStream", "logs:PutLogEvents"}, "arn:%s:logs:%s:%s:log-group:*"},
	SecretsManager: {"SecretsManager", awsec2.InterfaceVpcEndpointAwsService_SECRETS_MANAGER, "AllowSecretReads",
		[]string{"secretsmanager:GetSecretValue"}, "arn:%s:secretsmanager:%s:%s:secret:*"},
	Ssm: {"Ssm", awsec2.InterfaceVpcEndpointAwsService_SSM, "AllowParameterReads",
		[]string{"ssm:GetParameters"}, "arn:%s:ssm:%s:%s:parameter/*"},
	Kms: {"Kms", awsec2.InterfaceVpcEndpointAwsService_KMS, "AllowKeyUse",
		[]string{"kms:Decrypt", "kms:GenerateDataKey"}, "arn:%s:kms:%s:%s:key/*"},
	SsmMessages: {"SsmMessages", awsec2.InterfaceVpcEndpointAwsService_SSM_MESSAGES, "AllowExecChannels",
		[]string{"ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel",
			"ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"}, "*"},
}

// pullActions are the repository actions of an image pull.
var pullActions = []string{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"}

// policyFor returns the statements of an endpoint's policy. For the ECR
// endpoints the second statement is returned too, so that repositories of
// other accounts can be added to it later.
func (e *endpoints) policyFor(service InterfaceService) []awsiam.PolicyStatement {
	stack := awscdk.Stack_Of(e)
	cond := map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": e.accounts}}
	statement := func(sid string, actions []string, resources *[]*string) awsiam.PolicyStatement {
		return awsiam.NewPolicyStatement(&awsiam.PolicyStatementProps{
			Sid:        jsii.String(sid),
			Principals: &[]awsiam.IPrincipal{awsiam.NewAnyPrincipal()},
			Actions:    jsii.Strings(actions...),
			Resources:  resources,
			Conditions: &cond,
		})
	}
	info := services[service]
	switch {
	case service == EcrApi || service == EcrDkr:
		return []awsiam.PolicyStatement{
			statement("AllowRegistryAuth", []string{"ecr:GetAuthorizationToken"}, jsii.Strings("*")),
			statement("AllowImagePull", pullActions, perAccount(stack, "arn:%s:ecr:%s:%s:repository/*", e.accounts)),
		}
	case info.resource == "*":
		return []awsiam.PolicyStatement{statement(info.sid, info.actions, jsii.Strings("*"))}
	default:
		return []awsiam.PolicyStatement{statement(info.sid, info.actions, perAccount(stack, info.resource, e.accounts))}
	}
}

// perAccount fills format (partition, region, account) once per account.
func perAccount(stack awscdk.Stack, format string, accounts []*string) *[]*string {
	arns := make([]*string, len(accounts))
	for i, a := range accounts {
		arns[i] = jsii.String(fmt.Sprintf(format, *stack.Partition(), *stack.Region(), *a))
	}
	return &arns
}
