package cloudformation

import (
	"fmt"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// dialect words fixes as CloudFormation properties and resource types.
type dialect struct{}

// Fix words change c.
func (dialect) Fix(c pullpath.Change) string {
	switch c.Kind {
	case pullpath.AddInterfaceEndpoint:
		return fmt.Sprintf("add an AWS::EC2::VPCEndpoint com.amazonaws.%s.%s with VpcEndpointType Interface and PrivateDnsEnabled true in the tasks' subnets", c.Region, c.Service)
	case pullpath.EnablePrivateDNS:
		return "set PrivateDnsEnabled: true on the endpoint (and keep EnableDnsSupport and EnableDnsHostnames on the VPC)"
	case pullpath.EnableDNSSupport:
		return "set EnableDnsSupport: true on the VPC"
	case pullpath.EnableDNSHostnames:
		return "set EnableDnsHostnames: true on the VPC"
	case pullpath.AllowEgressToEndpoint:
		return "add an egress rule tcp/443 from the task group to the endpoint's security group (or to the VPC CIDR)"
	case pullpath.AllowIngressFromTasks:
		return "add an ingress rule tcp/443 from the task's security group (or a CIDR that covers the task subnets) to the endpoint's security group"
	case pullpath.AllowPullInEndpointPolicy:
		return "allow ecr:GetAuthorizationToken on * and ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on the repositories, for Principal *, in the PolicyDocument (or remove it)"
	case pullpath.AllowLayersInGatewayPolicy:
		return "add a statement Allow, Principal *, s3:GetObject on arn:aws:s3:::prod-" + c.Region + "-starport-layer-bucket/* (and let no Deny cover it)"
	case pullpath.SetExecutionRole:
		return "set ExecutionRoleArn to a role with the AmazonECSTaskExecutionRolePolicy managed policy (and the secrets' reads)"
	case pullpath.GrantExecutionRole:
		return "grant role " + c.Role + " ecr:GetAuthorizationToken on * and the pull, log and secret actions on their resources (e.g. repository.grantPull, or the AmazonECSTaskExecutionRolePolicy managed policy)"
	case pullpath.GrantCacheImport:
		return "allow ecr:BatchImportUpstreamImage (and ecr:CreateRepository) on the cache's repositories to the execution role"
	case pullpath.GrantCacheCreate:
		return "allow ecr:CreateRepository on the cache's repositories to the execution role, or create them beforehand"
	case pullpath.WarmCache:
		return "pull each image once from a network with a way out (or give the tasks a NAT route) before relying on the cache"
	case pullpath.CopyImageToECR:
		return "copy the image into this region's private ECR (or use an ECR pull-through cache) and reference it there"
	case pullpath.DisablePublicIP:
		return "set AssignPublicIp to DISABLED and run the tasks in private or isolated subnets"
	case pullpath.PutGatewayOnTaskRouteTables:
		return "put the route tables of the task subnets in the gateway's RouteTableIds"
	case pullpath.AddTaskRouteTablesToGateway:
		return "put the task subnets' route tables in the S3 gateway's RouteTableIds"
	case pullpath.AddS3Gateway:
		return "add an AWS::EC2::VPCEndpoint com.amazonaws." + c.Region + ".s3 with VpcEndpointType Gateway and the task subnets' route tables in RouteTableIds"
	case pullpath.MoveNATToPublicSubnet:
		return "move NAT gateway " + c.NAT + " into a public subnet (set its SubnetId to a subnet whose route table sends 0.0.0.0/0 to an internet gateway), so the tasks' way out works"
	case pullpath.AllowEgressToS3:
		return "add an egress rule tcp/443 to the prefix list com.amazonaws." + c.Region + ".s3 (DestinationPrefixListId, e.g. from ec2.PrefixList.fromLookup or DescribeManagedPrefixLists)"
	case pullpath.AllowInNetworkACL:
		return fmt.Sprintf("add an AWS::EC2::NetworkAclEntry to the ACL: Egress %v, Protocol 6, PortRange %s, RuleAction allow, CidrBlock %s, with a RuleNumber lower than any entry that denies it", c.Egress, c.Ports, c.Peer)
	case pullpath.ForwardToVPCResolver:
		return "make the DomainNameServers of the AWS::EC2::DHCPOptions forward the endpoints' names to the VPC resolver (a Route 53 Resolver inbound endpoint), or set them to AmazonProvidedDNS"
	}
	return ""
}

// Placeholder is the pseudo parameter for p.
func (dialect) Placeholder(p pullpath.Placeholder) string {
	switch p {
	case pullpath.Account:
		return "${AWS::AccountId}"
	case pullpath.Region:
		return "${AWS::Region}"
	}
	return "${AWS::Partition}"
}
