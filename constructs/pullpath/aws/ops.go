package aws

import "strings"

// Operation is one API call the reader makes, with what it reads.
type Operation struct {
	// Action is the IAM action ("ec2:DescribeRouteTables"); every one is a
	// Describe*, List* or Get*, but sts:AssumeRole.
	Action string
	// Reads says what for.
	Reads string
}

// Operations are every call the reader makes, and so the minimal
// read-only policy (the README lists exactly these). A call not in this
// table is refused before it is sent.
var Operations = []Operation{
	{"sts:AssumeRole", "with -assume-role, one session per account (the caller's policy; the one call that is not a read)"},
	{"organizations:ListAccounts", "with -accounts org, the organization's active accounts (the caller's policy)"},
	{"sts:GetCallerIdentity", "the account the credentials belong to"},
	{"ec2:DescribeRegions", "with -regions all, the regions the account has enabled"},
	{"ecs:ListClusters", "the clusters of the region (unless -cluster names them)"},
	{"ecs:DescribeClusters", "each cluster's default capacity provider strategy"},
	{"ecs:ListServices", "the services of each cluster (unless -service names them)"},
	{"ecs:DescribeServices", "the services, 10 a call: launch type, strategy, deployments, network"},
	{"ecs:DescribeTaskDefinition", "each distinct task definition of a PRIMARY deployment"},
	{"ecs:ListTasks", "the stopped tasks of each service (-stopped N, at most N)"},
	{"ecs:DescribeTasks", "their stop codes and reasons, 100 tasks a call"},
	{"ec2:DescribeSubnets", "the task subnets, then every subnet of their VPCs"},
	{"ec2:DescribeVpcs", "the VPCs: blocks and DHCP options"},
	{"ec2:DescribeVpcAttribute", "enableDnsSupport and enableDnsHostnames of each VPC"},
	{"ec2:DescribeDhcpOptions", "the name servers the VPCs give"},
	{"ec2:DescribeRouteTables", "route tables, the main one included, with routes and associations"},
	{"ec2:DescribeNatGateways", "NAT gateways and their subnets"},
	{"ec2:DescribeInternetGateways", "internet gateways attached to the VPCs"},
	{"ec2:DescribeVpcEndpoints", "VPC endpoints with their policies"},
	{"ec2:DescribeSecurityGroups", "the security groups of the VPCs"},
	{"ec2:DescribeSecurityGroupRules", "their rules"},
	{"ec2:DescribeNetworkAcls", "network ACLs and their subnets"},
	{"ec2:DescribeManagedPrefixLists", "the names of the prefix lists rules name"},
	{"ec2:GetManagedPrefixListEntries", "the blocks of S3's prefix list and of those the rules name"},
	{"iam:ListRolePolicies", "the inline policies of each execution role"},
	{"iam:GetRolePolicy", "their documents"},
	{"iam:ListAttachedRolePolicies", "the managed policies of each execution role"},
	{"iam:GetPolicy", "a customer managed policy's default version"},
	{"iam:GetPolicyVersion", "its document"},
	{"ecr:DescribePullThroughCacheRules", "the registry's pull-through cache rules"},
	{"ecr:DescribeImages", "whether each image's tag or digest exists"},
}

// known says whether action is in Operations.
func known(action string) bool {
	for _, o := range Operations {
		if o.Action == action {
			return true
		}
	}
	return false
}

// ReadOnly says whether an action only reads: Describe*, List*, Get*.
func ReadOnly(action string) bool {
	_, op, _ := strings.Cut(action, ":")
	return strings.HasPrefix(op, "Describe") || strings.HasPrefix(op, "List") || strings.HasPrefix(op, "Get")
}
