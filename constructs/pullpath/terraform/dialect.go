package terraform

import (
	"fmt"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// dialect words fixes as Terraform resources and arguments.
type dialect struct{}

// Fix words change c.
func (dialect) Fix(c pullpath.Change) string {
	switch c.Kind {
	case pullpath.AddInterfaceEndpoint:
		return fmt.Sprintf("add an aws_vpc_endpoint com.amazonaws.%s.%s with vpc_endpoint_type = \"Interface\" and private_dns_enabled = true", c.Region, c.Service)
	case pullpath.EnablePrivateDNS:
		return "set private_dns_enabled = true on the aws_vpc_endpoint"
	case pullpath.EnableDNSSupport:
		return "set enable_dns_support = true on the aws_vpc"
	case pullpath.EnableDNSHostnames:
		return "set enable_dns_hostnames = true on the aws_vpc"
	case pullpath.AllowEgressToEndpoint:
		return "add an egress rule tcp/443 from the task group to the endpoint's security group (security_groups = [aws_security_group.endpoints.id]) or the VPC CIDR"
	case pullpath.AllowIngressFromTasks:
		return "add an ingress rule tcp/443 from the task's security group (or cidr_blocks covering the task subnets) to the endpoint's aws_security_group"
	case pullpath.AllowPullInEndpointPolicy:
		return "allow ecr:GetAuthorizationToken on * and ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on the repositories in the aws_vpc_endpoint's policy (or remove it)"
	case pullpath.AllowLayersInGatewayPolicy:
		return "allow s3:GetObject on arn:aws:s3:::prod-" + c.Region + "-starport-layer-bucket/* in the gateway's policy (and let no Deny cover it)"
	case pullpath.SetExecutionRole:
		return "set execution_role_arn to a role with AmazonECSTaskExecutionRolePolicy attached (and the secrets' reads)"
	case pullpath.GrantExecutionRole:
		return "attach AmazonECSTaskExecutionRolePolicy to the execution role (aws_iam_role_policy_attachment) and allow the secrets' reads"
	case pullpath.GrantCacheImport:
		return "allow ecr:BatchImportUpstreamImage (and ecr:CreateRepository) to the execution role in an aws_iam_role_policy"
	case pullpath.GrantCacheCreate:
		return "allow ecr:CreateRepository to the execution role, or create the cache repositories beforehand"
	case pullpath.WarmCache:
		return "pull each image once from a network with a way out (or route the task subnets through a NAT gateway) before relying on the cache"
	case pullpath.CopyImageToECR:
		return "push the image to an aws_ecr_repository of this region and use its repository_url"
	case pullpath.DisablePublicIP:
		return "set assign_public_ip = false in network_configuration"
	case pullpath.PutGatewayOnTaskRouteTables:
		return "put the task subnets' route tables in route_table_ids (or use aws_vpc_endpoint_route_table_association)"
	case pullpath.AddTaskRouteTablesToGateway:
		return "put the task subnets' route tables in route_table_ids"
	case pullpath.AddS3Gateway:
		return "add an aws_vpc_endpoint com.amazonaws." + c.Region + ".s3 (vpc_endpoint_type = \"Gateway\") with the task subnets' route tables in route_table_ids"
	case pullpath.MoveNATToPublicSubnet:
		return "move " + c.NAT + " into a public subnet (set its subnet_id to a subnet whose route table sends 0.0.0.0/0 to an aws_internet_gateway), so the tasks' way out works"
	case pullpath.AllowEgressToS3:
		return "add egress { from_port = 443, to_port = 443, protocol = \"tcp\", prefix_list_ids = [data.aws_prefix_list.s3.id] }"
	case pullpath.AllowInNetworkACL:
		dir := "ingress"
		if c.Egress {
			dir = "egress"
		}
		return fmt.Sprintf("add an %s rule to the ACL (an %s block, or an aws_network_acl_rule with egress = %v): protocol = \"tcp\", ports %s, action = \"allow\", cidr_block = %s, with a rule number lower than any rule that denies it", dir, dir, c.Egress, c.Ports, c.Peer)
	case pullpath.ForwardToVPCResolver:
		return "make the domain_name_servers of the aws_vpc_dhcp_options forward the endpoints' names to the VPC resolver (a Route 53 Resolver inbound endpoint), or set them to [\"AmazonProvidedDNS\"]"
	}
	return ""
}

// Placeholder is how the reader writes the values it cannot know.
func (dialect) Placeholder(p pullpath.Placeholder) string {
	switch p {
	case pullpath.Account:
		return "${ACCOUNT}"
	case pullpath.Region:
		return "${REGION}"
	}
	return "${PARTITION}"
}
