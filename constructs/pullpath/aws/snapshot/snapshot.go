// Package snapshot is the saved form of what pullcheck read of a deployed
// account: one versioned JSON document, and the pullpath.Reader that judges
// it offline. It has no AWS SDK in it, so that anything may read a snapshot;
// package aws (which imports the SDK) writes them.
//
// The structs are shaped after the API responses and named as the AWS CLI
// prints them (ECS and ECR in camelCase, EC2 and IAM in PascalCase), so
// that a snapshot can be written by hand from `aws ... describe-...`
// output. A snapshot holds no secret: container environment values are
// never read, secrets appear only as the ARN they come from, and policy
// documents are stored decoded.
package snapshot

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Version is the snapshot format this package reads and writes.
const Version = 1

// Marker is the top-level field that tells a snapshot apart from any other
// JSON document; its value is the format's version.
const Marker = "pullcheckSnapshot"

// Snapshot is what was read of one account and region.
type Snapshot struct {
	// PullcheckSnapshot is the format's version, Version.
	PullcheckSnapshot int `json:"pullcheckSnapshot"`
	// Account and Region say where it was read.
	Account string `json:"account"`
	Region  string `json:"region"`
	// ReadAt is when, in RFC 3339, or "" in a hand-written snapshot.
	ReadAt string `json:"readAt,omitempty"`
	// Denied lists the reads the account refused.
	Denied []Denied `json:"denied,omitempty"`
	ECS    ECS      `json:"ecs"`
	EC2    EC2      `json:"ec2"`
	IAM    IAM      `json:"iam"`
	ECR    ECR      `json:"ecr"`
}

// Denied is one read the account refused (EC2 UnauthorizedOperation, IAM
// or ECS AccessDenied): what it hides is unknown, never assumed.
type Denied struct {
	// Action is the IAM action that was denied ("iam:GetRolePolicy").
	Action string `json:"action"`
	// On is the id, name or ARN the read was about, "" for the region.
	On string `json:"on,omitempty"`
	// What names what the refusal hides ("the inline policies of role app").
	What string `json:"what"`
}

// Why is how a model's unknown words the refusal.
func (d Denied) Why() string { return d.Action + " denied: " + d.What + " are unknown" }

// ECS is what was read of ECS.
type ECS struct {
	Clusters        []Cluster        `json:"clusters"`
	Services        []Service        `json:"services"`
	TaskDefinitions []TaskDefinition `json:"taskDefinitions"`
}

// Cluster is an ECS cluster (DescribeClusters).
type Cluster struct {
	ClusterArn                      string                 `json:"clusterArn"`
	ClusterName                     string                 `json:"clusterName"`
	DefaultCapacityProviderStrategy []CapacityProviderItem `json:"defaultCapacityProviderStrategy,omitempty"`
}

// CapacityProviderItem is one entry of a capacity provider strategy.
type CapacityProviderItem struct {
	CapacityProvider string `json:"capacityProvider"`
	Weight           int32  `json:"weight,omitempty"`
	Base             int32  `json:"base,omitempty"`
}

// Service is an ECS service (DescribeServices).
type Service struct {
	ServiceArn               string                 `json:"serviceArn"`
	ServiceName              string                 `json:"serviceName"`
	ClusterArn               string                 `json:"clusterArn"`
	LaunchType               string                 `json:"launchType,omitempty"`
	CapacityProviderStrategy []CapacityProviderItem `json:"capacityProviderStrategy,omitempty"`
	TaskDefinition           string                 `json:"taskDefinition"`
	NetworkConfiguration     *NetworkConfiguration  `json:"networkConfiguration,omitempty"`
	EnableExecuteCommand     bool                   `json:"enableExecuteCommand,omitempty"`
	// Deployments are its deployments; the PRIMARY one is what is judged.
	Deployments []Deployment `json:"deployments,omitempty"`
	// Tags are its CloudFormation tags, as ECS writes tags.
	Tags []ServiceTag `json:"tags,omitempty"`
	// StoppedTasks are its last stopped tasks, newest first, their
	// messages redacted (pullcheck aws -stopped N).
	StoppedTasks []Task `json:"stoppedTasks,omitempty"`
}

// ServiceTag is a tag of an ECS resource.
type ServiceTag struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// Primary is the service as its PRIMARY deployment runs it: that
// deployment's task definition, launch type, strategy and network, where
// it names them.
func (s Service) Primary() Service {
	for _, d := range s.Deployments {
		if d.Status != "PRIMARY" {
			continue
		}
		if d.TaskDefinition != "" {
			s.TaskDefinition = d.TaskDefinition
		}
		if d.LaunchType != "" || len(d.CapacityProviderStrategy) > 0 {
			s.LaunchType, s.CapacityProviderStrategy = d.LaunchType, d.CapacityProviderStrategy
		}
		if d.NetworkConfiguration != nil {
			s.NetworkConfiguration = d.NetworkConfiguration
		}
		break
	}
	return s
}

// Deployment is one deployment of a service.
type Deployment struct {
	ID                       string                 `json:"id,omitempty"`
	Status                   string                 `json:"status"`
	TaskDefinition           string                 `json:"taskDefinition"`
	LaunchType               string                 `json:"launchType,omitempty"`
	CapacityProviderStrategy []CapacityProviderItem `json:"capacityProviderStrategy,omitempty"`
	NetworkConfiguration     *NetworkConfiguration  `json:"networkConfiguration,omitempty"`
}

// NetworkConfiguration is a service's network configuration.
type NetworkConfiguration struct {
	AwsvpcConfiguration *AwsvpcConfiguration `json:"awsvpcConfiguration,omitempty"`
}

// AwsvpcConfiguration is the awsvpc part of a network configuration.
type AwsvpcConfiguration struct {
	Subnets        []string `json:"subnets"`
	SecurityGroups []string `json:"securityGroups,omitempty"`
	AssignPublicIp string   `json:"assignPublicIp,omitempty"`
}

// TaskDefinition is a task definition (DescribeTaskDefinition).
type TaskDefinition struct {
	TaskDefinitionArn    string                `json:"taskDefinitionArn"`
	Family               string                `json:"family"`
	Revision             int32                 `json:"revision"`
	NetworkMode          string                `json:"networkMode,omitempty"`
	ExecutionRoleArn     string                `json:"executionRoleArn,omitempty"`
	ContainerDefinitions []ContainerDefinition `json:"containerDefinitions"`
}

// ContainerDefinition is one container of a task definition, without its
// environment.
type ContainerDefinition struct {
	Name             string            `json:"name"`
	Image            string            `json:"image"`
	LogConfiguration *LogConfiguration `json:"logConfiguration,omitempty"`
	// Secrets name where each secret comes from; their values are never read.
	Secrets []ContainerSecret `json:"secrets,omitempty"`
}

// LogConfiguration is a container's log configuration.
type LogConfiguration struct {
	LogDriver string            `json:"logDriver"`
	Options   map[string]string `json:"options,omitempty"`
}

// ContainerSecret is one secret of a container: a name and where from.
type ContainerSecret struct {
	Name      string `json:"name"`
	ValueFrom string `json:"valueFrom"`
}

// EC2 is what was read of the VPCs the services run in.
type EC2 struct {
	Vpcs               []Vpc               `json:"Vpcs"`
	DhcpOptions        []DhcpOptions       `json:"DhcpOptions,omitempty"`
	Subnets            []Subnet            `json:"Subnets"`
	RouteTables        []RouteTable        `json:"RouteTables"`
	NatGateways        []NatGateway        `json:"NatGateways,omitempty"`
	InternetGateways   []InternetGateway   `json:"InternetGateways,omitempty"`
	VpcEndpoints       []VpcEndpoint       `json:"VpcEndpoints"`
	SecurityGroups     []SecurityGroup     `json:"SecurityGroups"`
	SecurityGroupRules []SecurityGroupRule `json:"SecurityGroupRules"`
	NetworkAcls        []NetworkAcl        `json:"NetworkAcls,omitempty"`
	PrefixLists        []PrefixList        `json:"PrefixLists,omitempty"`
}

// Vpc is a VPC (DescribeVpcs) with its DNS attributes (DescribeVpcAttribute).
type Vpc struct {
	VpcId                   string                 `json:"VpcId"`
	CidrBlock               string                 `json:"CidrBlock"`
	CidrBlockAssociationSet []CidrBlockAssociation `json:"CidrBlockAssociationSet,omitempty"`
	DhcpOptionsId           string                 `json:"DhcpOptionsId,omitempty"`
	OwnerId                 string                 `json:"OwnerId,omitempty"`
	// EnableDnsSupport and EnableDnsHostnames are nil when not read.
	EnableDnsSupport   *bool `json:"EnableDnsSupport,omitempty"`
	EnableDnsHostnames *bool `json:"EnableDnsHostnames,omitempty"`
	Tags               []Tag `json:"Tags,omitempty"`
}

// CidrBlockAssociation is one IPv4 block of a VPC.
type CidrBlockAssociation struct {
	CidrBlock      string          `json:"CidrBlock"`
	CidrBlockState *CidrBlockState `json:"CidrBlockState,omitempty"`
}

// CidrBlockState is the state of a block association.
type CidrBlockState struct {
	State string `json:"State"`
}

// DhcpOptions is a DHCP options set.
type DhcpOptions struct {
	DhcpOptionsId      string              `json:"DhcpOptionsId"`
	DhcpConfigurations []DhcpConfiguration `json:"DhcpConfigurations"`
}

// DhcpConfiguration is one key of a DHCP options set.
type DhcpConfiguration struct {
	Key    string           `json:"Key"`
	Values []AttributeValue `json:"Values"`
}

// AttributeValue is one value of a DHCP option.
type AttributeValue struct {
	Value string `json:"Value"`
}

// Subnet is a subnet.
type Subnet struct {
	SubnetId            string `json:"SubnetId"`
	VpcId               string `json:"VpcId"`
	CidrBlock           string `json:"CidrBlock"`
	AvailabilityZone    string `json:"AvailabilityZone,omitempty"`
	MapPublicIpOnLaunch bool   `json:"MapPublicIpOnLaunch,omitempty"`
	Tags                []Tag  `json:"Tags,omitempty"`
}

// RouteTable is a route table with its associations and routes.
type RouteTable struct {
	RouteTableId string             `json:"RouteTableId"`
	VpcId        string             `json:"VpcId"`
	Associations []RouteAssociation `json:"Associations,omitempty"`
	Routes       []Route            `json:"Routes"`
	Tags         []Tag              `json:"Tags,omitempty"`
}

// RouteAssociation associates a route table with a subnet, or marks it main.
type RouteAssociation struct {
	Main     bool   `json:"Main,omitempty"`
	SubnetId string `json:"SubnetId,omitempty"`
}

// Route is one route.
type Route struct {
	DestinationCidrBlock     string `json:"DestinationCidrBlock,omitempty"`
	DestinationIpv6CidrBlock string `json:"DestinationIpv6CidrBlock,omitempty"`
	DestinationPrefixListId  string `json:"DestinationPrefixListId,omitempty"`
	GatewayId                string `json:"GatewayId,omitempty"`
	NatGatewayId             string `json:"NatGatewayId,omitempty"`
	TransitGatewayId         string `json:"TransitGatewayId,omitempty"`
	VpcPeeringConnectionId   string `json:"VpcPeeringConnectionId,omitempty"`
	NetworkInterfaceId       string `json:"NetworkInterfaceId,omitempty"`
	InstanceId               string `json:"InstanceId,omitempty"`
	// State is "active" or "blackhole".
	State string `json:"State,omitempty"`
}

// Target is the id of what the route leads to.
func (r Route) Target() string {
	for _, id := range []string{r.NatGatewayId, r.GatewayId, r.TransitGatewayId, r.VpcPeeringConnectionId, r.NetworkInterfaceId, r.InstanceId} {
		if id != "" {
			return id
		}
	}
	return "an unknown target"
}

// NatGateway is a NAT gateway.
type NatGateway struct {
	NatGatewayId     string `json:"NatGatewayId"`
	SubnetId         string `json:"SubnetId"`
	VpcId            string `json:"VpcId"`
	State            string `json:"State,omitempty"`
	ConnectivityType string `json:"ConnectivityType,omitempty"`
}

// InternetGateway is an internet gateway.
type InternetGateway struct {
	InternetGatewayId string       `json:"InternetGatewayId"`
	Attachments       []Attachment `json:"Attachments,omitempty"`
}

// Attachment attaches an internet gateway to a VPC.
type Attachment struct {
	VpcId string `json:"VpcId"`
	State string `json:"State,omitempty"`
}

// VpcEndpoint is a VPC endpoint.
type VpcEndpoint struct {
	VpcEndpointId   string `json:"VpcEndpointId"`
	VpcEndpointType string `json:"VpcEndpointType"`
	VpcId           string `json:"VpcId"`
	ServiceName     string `json:"ServiceName"`
	// State is as EC2 sends it: "available" in lowercase.
	State string `json:"State,omitempty"`
	// PolicyDocument is the policy as JSON text, "" for none.
	PolicyDocument    string                    `json:"PolicyDocument,omitempty"`
	RouteTableIds     []string                  `json:"RouteTableIds,omitempty"`
	SubnetIds         []string                  `json:"SubnetIds,omitempty"`
	Groups            []SecurityGroupIdentifier `json:"Groups,omitempty"`
	PrivateDnsEnabled bool                      `json:"PrivateDnsEnabled,omitempty"`
	Tags              []Tag                     `json:"Tags,omitempty"`
}

// Tag is a tag of an EC2 resource. A read keeps only CloudFormation's
// (aws:cloudformation:stack-name, logical-id, stack-id): other tags may
// say more than a bug report should.
type Tag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// CloudFormationTag says whether a tag key is one CloudFormation writes.
func CloudFormationTag(key string) bool { return strings.HasPrefix(key, "aws:cloudformation:") }

// SecurityGroupIdentifier names a security group.
type SecurityGroupIdentifier struct {
	GroupId   string `json:"GroupId"`
	GroupName string `json:"GroupName,omitempty"`
}

// SecurityGroup is a security group; its rules are SecurityGroupRules.
type SecurityGroup struct {
	GroupId   string `json:"GroupId"`
	GroupName string `json:"GroupName,omitempty"`
	VpcId     string `json:"VpcId"`
	OwnerId   string `json:"OwnerId,omitempty"`
	Tags      []Tag  `json:"Tags,omitempty"`
}

// SecurityGroupRule is one rule of a group (DescribeSecurityGroupRules).
type SecurityGroupRule struct {
	SecurityGroupRuleId string               `json:"SecurityGroupRuleId"`
	GroupId             string               `json:"GroupId"`
	IsEgress            bool                 `json:"IsEgress"`
	IpProtocol          string               `json:"IpProtocol"`
	FromPort            int32                `json:"FromPort"`
	ToPort              int32                `json:"ToPort"`
	CidrIpv4            string               `json:"CidrIpv4,omitempty"`
	CidrIpv6            string               `json:"CidrIpv6,omitempty"`
	PrefixListId        string               `json:"PrefixListId,omitempty"`
	ReferencedGroupInfo *ReferencedGroupInfo `json:"ReferencedGroupInfo,omitempty"`
}

// ReferencedGroupInfo is the group a rule names as its peer.
type ReferencedGroupInfo struct {
	GroupId string `json:"GroupId"`
	UserId  string `json:"UserId,omitempty"`
}

// NetworkAcl is a network ACL with its entries and subnets.
type NetworkAcl struct {
	NetworkAclId string                  `json:"NetworkAclId"`
	VpcId        string                  `json:"VpcId"`
	IsDefault    bool                    `json:"IsDefault,omitempty"`
	Entries      []NetworkAclEntry       `json:"Entries"`
	Associations []NetworkAclAssociation `json:"Associations,omitempty"`
	Tags         []Tag                   `json:"Tags,omitempty"`
}

// NetworkAclEntry is one rule of a network ACL.
type NetworkAclEntry struct {
	RuleNumber int32      `json:"RuleNumber"`
	Egress     bool       `json:"Egress"`
	Protocol   string     `json:"Protocol"`
	RuleAction string     `json:"RuleAction"`
	CidrBlock  string     `json:"CidrBlock,omitempty"`
	PortRange  *PortRange `json:"PortRange,omitempty"`
}

// PortRange is a port range of an ACL entry.
type PortRange struct {
	From int32 `json:"From"`
	To   int32 `json:"To"`
}

// NetworkAclAssociation associates a network ACL with a subnet.
type NetworkAclAssociation struct {
	SubnetId string `json:"SubnetId"`
}

// PrefixList is a managed prefix list with its entries
// (DescribeManagedPrefixLists, GetManagedPrefixListEntries).
type PrefixList struct {
	PrefixListId   string `json:"PrefixListId"`
	PrefixListName string `json:"PrefixListName"`
	// Entries are nil when not read.
	Entries []PrefixListEntry `json:"Entries,omitempty"`
}

// PrefixListEntry is one block of a prefix list.
type PrefixListEntry struct {
	Cidr string `json:"Cidr"`
}

// IAM is what was read of the execution roles.
type IAM struct {
	Roles []Role `json:"Roles"`
	// Policies are the documents of the customer managed policies the roles
	// attach (GetPolicy, GetPolicyVersion).
	Policies []ManagedPolicy `json:"Policies,omitempty"`
}

// Role is an execution role with its policies.
type Role struct {
	RoleName string `json:"RoleName"`
	Arn      string `json:"Arn"`
	// RolePolicies are its inline policies (ListRolePolicies, GetRolePolicy).
	RolePolicies []RolePolicy `json:"RolePolicies,omitempty"`
	// AttachedPolicies are its managed policies (ListAttachedRolePolicies).
	AttachedPolicies []AttachedPolicy `json:"AttachedPolicies,omitempty"`
}

// RolePolicy is an inline policy; PolicyDocument is JSON text (IAM sends it
// URL-encoded; both forms are read).
type RolePolicy struct {
	PolicyName     string `json:"PolicyName"`
	PolicyDocument string `json:"PolicyDocument"`
}

// AttachedPolicy is a managed policy attached to a role.
type AttachedPolicy struct {
	PolicyName string `json:"PolicyName"`
	PolicyArn  string `json:"PolicyArn"`
}

// ManagedPolicy is the default version of a managed policy.
type ManagedPolicy struct {
	Arn              string `json:"Arn"`
	PolicyName       string `json:"PolicyName,omitempty"`
	DefaultVersionId string `json:"DefaultVersionId,omitempty"`
	// Document is JSON text (URL-encoded or not).
	Document string `json:"Document"`
}

// ECR is what was read of the registry.
type ECR struct {
	// PullThroughCacheRules are nil when not read (see Denied).
	PullThroughCacheRules []PullThroughCacheRule `json:"pullThroughCacheRules,omitempty"`
	// Images are the images the task definitions name that exist.
	Images []ImageDetail `json:"images,omitempty"`
	// ImageFailures are those the registry said are not there.
	ImageFailures []ImageFailure `json:"imageFailures,omitempty"`
}

// PullThroughCacheRule is a pull-through cache rule.
type PullThroughCacheRule struct {
	EcrRepositoryPrefix string `json:"ecrRepositoryPrefix"`
	UpstreamRegistryUrl string `json:"upstreamRegistryUrl"`
	RegistryId          string `json:"registryId,omitempty"`
}

// ImageDetail is an image that exists (DescribeImages).
type ImageDetail struct {
	RegistryId     string   `json:"registryId"`
	RepositoryName string   `json:"repositoryName"`
	ImageDigest    string   `json:"imageDigest,omitempty"`
	ImageTags      []string `json:"imageTags,omitempty"`
}

// ImageFailure is an image the registry does not have.
type ImageFailure struct {
	RegistryId     string  `json:"registryId"`
	RepositoryName string  `json:"repositoryName"`
	ImageId        ImageId `json:"imageId"`
	// FailureCode is ImageNotFound or RepositoryNotFound.
	FailureCode   string `json:"failureCode"`
	FailureReason string `json:"failureReason,omitempty"`
}

// ImageId is a tag or a digest.
type ImageId struct {
	ImageTag    string `json:"imageTag,omitempty"`
	ImageDigest string `json:"imageDigest,omitempty"`
}

// Is says whether data is a snapshot: a JSON object with the Marker field.
func Is(data []byte) bool {
	if !bytes.Contains(data, []byte(`"`+Marker+`"`)) {
		return false
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(data, &probe) != nil {
		return false
	}
	_, ok := probe[Marker]
	return ok
}

// Encode writes s as indented JSON, with the Marker set to Version.
func Encode(s *Snapshot) ([]byte, error) {
	s.PullcheckSnapshot = Version
	redactTasks(s)
	out, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, err
	}
	return append(out, '\n'), nil
}
