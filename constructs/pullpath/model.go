package pullpath

import (
	"net/netip"
	"strings"
)

// Tri is a three-valued truth: Unknown (the zero value), No or Yes.
type Tri int8

// The values of a Tri.
const (
	Unknown Tri = iota
	No
	Yes
)

// TriOf returns Yes for true and No for false.
func TriOf(b bool) Tri {
	if b {
		return Yes
	}
	return No
}

// Or is Yes when any is Yes, else Unknown when any is Unknown, else No.
func Or(ts ...Tri) Tri {
	out := No
	for _, t := range ts {
		if t == Yes {
			return Yes
		}
		if t == Unknown {
			out = Unknown
		}
	}
	return out
}

// And is No when any is No, else Unknown when any is Unknown, else Yes.
func And(ts ...Tri) Tri {
	out := Yes
	for _, t := range ts {
		if t == No {
			return No
		}
		if t == Unknown {
			out = Unknown
		}
	}
	return out
}

// Input is one template or Terraform root module of a set.
type Input struct {
	// Path is the file or folder as given (relative paths stay relative).
	Path string
	// Stack is the CDK stack's name when the input comes from a cloud
	// assembly, else "".
	Stack string
	// Dialect words the fixes of its findings in the input's own terms.
	Dialect Dialect
	// Account and Region are the environment, "" where unknown.
	Account, Region string
	// Hidden names what the input creates that cannot be seen (a Transform,
	// a module that was not initialised): endpoints there may exist.
	Hidden []string
	// Assumed says what the reader took for granted to link the set
	// (a stack-name parameter taken to name a stack of the set).
	Assumed []string
	// RegionHint is a region the input names literally (an endpoint
	// service name, an ECR host), for messages when Region is "".
	RegionHint string
	// S3Ranges are S3's address ranges in the input's region where the
	// input shows them (a deployed account's com.amazonaws.REGION.s3
	// prefix list): a block then reaches S3 only if it covers them all.
	S3Ranges []CIDR
	// PartitionHint is the partition the input's literal ARNs name
	// (arn:aws-cn:...), when Region is "".
	PartitionHint string
	// Unknowns are pieces of the path the input cannot show for any of its
	// services (a denied read of a deployed account), each "piece: why".
	Unknowns []string
}

// Env is the key of the input's environment: inputs of one environment
// see each other's exports and cache rules.
func (in *Input) Env() string { return in.Account + "/" + in.Region }

// Node is what every element of the graph has.
type Node struct {
	// In is the input that defines it (for an external node, the input
	// that names it).
	In *Input
	// ID is the logical id (CloudFormation) or resource address (Terraform).
	ID string
	// File and Line locate its definition where the reader keeps positions.
	File string
	Line int
	// Ext is non-empty for a node defined outside the set and says what it
	// is ("the parameter VpcId", "the import shared-VpcId", "vpc-0abc"): all
	// that is not written on it is unknown.
	Ext string
	// Acks are the rules acknowledged on it, rule id to reason.
	Acks map[string]string
	// ARN is the resource's ARN, for a node a deployed account shows.
	ARN string
	// CountWhy is non-empty when the node stands for the instances of a
	// Terraform count or for_each whose value is unknown: it may exist zero
	// times or many, and CountWhy says why ("the variable enable_nat").
	CountWhy string
}

// Base is the node itself: every element of the graph embeds a Node.
func (n *Node) Base() *Node { return n }

// Name is how messages name it: Ext for a node from outside the set,
// else ID.
func (n *Node) Name() string {
	if n.Ext != "" {
		return n.Ext
	}
	return n.ID
}

// CIDR is an IPv4 block that is either literal or symbolic.
type CIDR struct {
	// P is the block when it is literal.
	P netip.Prefix
	// Sym names the value when it is not literal: two equal symbols are
	// the same value ("param:VpcCidr", "Vpc.CidrBlock").
	Sym string
	// In is the symbol of a block known to contain this one (a subnet's
	// VPC block), or "".
	In string
}

// ParseCIDR returns the literal CIDR s, or the zero CIDR (unknown).
func ParseCIDR(s string) CIDR {
	p, err := netip.ParsePrefix(strings.TrimSpace(s))
	if err != nil || !p.Addr().Is4() {
		return CIDR{}
	}
	return CIDR{P: p.Masked()}
}

// Known is true when the block is literal or symbolic.
func (c CIDR) Known() bool { return c.P.IsValid() || c.Sym != "" }

func (c CIDR) String() string {
	if c.P.IsValid() {
		return c.P.String()
	}
	if c.Sym != "" {
		return c.Sym
	}
	return "an unknown block"
}

// Covers says whether every address of t is in c.
func (c CIDR) Covers(t CIDR) Tri {
	switch {
	case c.P.IsValid() && c.P.Bits() == 0:
		return Yes
	case c.P.IsValid() && t.P.IsValid():
		return TriOf(c.P.Bits() <= t.P.Bits() && c.P.Contains(t.P.Addr()))
	case c.Sym != "" && (c.Sym == t.Sym || c.Sym == t.In):
		return Yes
	case c.P.IsValid() && t.In == c.P.String():
		return Yes
	}
	return Unknown
}

// VPC is a virtual private cloud.
type VPC struct {
	Node
	// DNSSupport and DNSHostnames are its DNS attributes.
	DNSSupport, DNSHostnames Tri
	// CIDRs are its IPv4 blocks, the primary first.
	CIDRs []CIDR
	// MainRouteTable is the route table of subnets with no association;
	// nil when unknown.
	MainRouteTable *RouteTable
	// DefaultACL is the network ACL of subnets with no ACL association;
	// nil when unknown (a VPC from outside the set: assumed to allow all).
	DefaultACL *NetworkACL
	// DNSServers are the domain-name-servers of its DHCP options; nil for
	// AmazonProvidedDNS (the default). DHCPWhy is non-empty when the DHCP
	// options cannot be read.
	DNSServers []string
	DHCPWhy    string
	// DHCPOptions names its DHCP options set, where the input shows it.
	DHCPOptions string
}

// Subnet is a subnet.
type Subnet struct {
	Node
	VPC  *VPC
	CIDR CIDR
	// RouteTable is the table it uses; nil when unknown (RouteTableWhy)
	// or not yet linked to the VPC's main table.
	RouteTable    *RouteTable
	RouteTableWhy string
	// Associated is true when an association names its route table.
	Associated bool
	// NetworkACL is its network ACL; nil when unknown (NetworkACLWhy) or
	// not yet linked to the VPC's default ACL. ACLAssociated is true when
	// an association names it.
	NetworkACL    *NetworkACL
	NetworkACLWhy string
	ACLAssociated bool
}

// RouteTable is a route table.
type RouteTable struct {
	Node
	VPC *VPC
	// Main is true for the VPC's main route table.
	Main bool
	// Routes are its routes besides the local one.
	Routes []Route
	// RoutesWhy is non-empty when some routes cannot be read.
	RoutesWhy string
	// Exported is true when another stack may associate subnets with it.
	Exported bool
	// Subnets are the subnets of the set that use it.
	Subnets []*Subnet
}

// The kinds of route target.
const (
	TargetNAT   = "nat"   // a NAT gateway
	TargetIGW   = "igw"   // an internet gateway
	TargetOther = "other" // anything else: where it leads is unknown
)

// Route is one route of a route table.
type Route struct {
	// Dest is the destination block.
	Dest CIDR
	// Target is TargetNAT, TargetIGW or TargetOther; TargetID names it.
	Target, TargetID string
	// NATSubnet is the subnet of a NAT gateway target, whose own route
	// table must lead to an internet gateway; nil when unknown.
	NATSubnet *Subnet
}

// Endpoint is a VPC endpoint.
type Endpoint struct {
	Node
	VPC *VPC
	// Service is the service's short name ("ecr.api", "s3"), "" when unknown;
	// ServiceName is the name as written.
	Service, ServiceName string
	// ServiceRegion is the region of the service of a cross-region
	// endpoint (ServiceRegion, service_region), "" when not set; unknown
	// parts are ${...}.
	ServiceRegion string
	// Type is "Interface", "Gateway", another type, or "" when unknown.
	Type string
	// PrivateDNS is whether private DNS is on (interface endpoints).
	PrivateDNS Tri
	// Groups are its security groups (interface endpoints); GroupsWhy says
	// why they are unknown.
	Groups    []*Group
	GroupsWhy string
	// Subnets are its subnets (interface endpoints); SubnetsWhy says why
	// they are unknown.
	Subnets    []*Subnet
	SubnetsWhy string
	// RouteTables are its route tables (gateway endpoints); RouteTablesWhy
	// says why some are unknown.
	RouteTables    []*RouteTable
	RouteTablesWhy string
	// Policy is its policy; nil allows everything.
	Policy *Policy
}

// Group is a security group.
type Group struct {
	Node
	VPC *VPC
	// Egress and Ingress are its rules, inline and standalone.
	Egress, Ingress []*Rule
	// EgressWhy and IngressWhy are non-empty when some rules cannot be read.
	EgressWhy, IngressWhy string
	// DefaultEgress is true when a group with no egress rule allows all
	// egress (CloudFormation), false when it allows none (Terraform).
	DefaultEgress bool
	// VPCDefault is true for a VPC's default security group, which no
	// group the set creates can be.
	VPCDefault bool
}

// Rule is one security-group rule.
type Rule struct {
	// ID names the standalone rule resource, "" for an inline rule.
	ID string
	// Proto is "-1" (all), "tcp", "udp", "icmp", a number, or "" when unknown.
	Proto string
	// From and To are the port range; PortsKnown is false when unreadable.
	From, To   int
	PortsKnown bool
	// The peer: a block, a group, or a prefix list (its id or symbol).
	// PeerWhy is non-empty when the peer cannot be read.
	CIDR       CIDR
	IPv6       bool
	Group      *Group
	PrefixList string
	PeerWhy    string
	// PrefixListName is the prefix list's name when known
	// ("com.amazonaws.eu-west-1.s3"), "" otherwise.
	PrefixListName string
	// List is the prefix list when the set defines it, with its entries;
	// nil for an AWS-managed list or one from outside the set.
	List *PrefixList
	// S3List is true when the input marks the prefix list as S3's (the
	// privatepull library marks the lists it writes).
	S3List bool
}

// The kinds of launcher a Service stands for.
const (
	KindService      = "service"         // an ECS service
	KindEventsRule   = "events-rule"     // an EventBridge rule's ECS target
	KindSchedule     = "schedule"        // an EventBridge Scheduler schedule
	KindStateMachine = "state-machine"   // a Step Functions ecs:runTask state
	KindTaskDef      = "task-definition" // a Fargate task definition nothing in the set launches
)

// Service is an ECS service, or another launcher of tasks (Kind): an
// EventBridge rule target, a schedule, a Step Functions state that runs a
// task, or a Fargate task definition that nothing in the set launches
// (RunTask from elsewhere). Each is judged the same way.
type Service struct {
	Node
	// Kind is one of the Kind constants; "" is KindService.
	Kind string
	// Cluster is its cluster; nil when none is named (the default cluster).
	Cluster *Cluster
	// LaunchType is "FARGATE", "EC2", "EXTERNAL", "" when not set, or "?"
	// when unreadable.
	LaunchType string
	// Strategy lists the capacity providers of its strategy; StrategyWhy is
	// non-empty when they cannot be read.
	Strategy    []string
	StrategyWhy string
	// Task is its task definition; TaskWhy says why it is unknown.
	Task    *TaskDef
	TaskWhy string
	// Awsvpc is true when it has an awsvpc network configuration.
	Awsvpc bool
	// Subnets and Groups are its awsvpc subnets and security groups; the
	// Why fields say why they are unknown.
	Subnets    []*Subnet
	SubnetsWhy string
	Groups     []*Group
	GroupsWhy  string
	// PublicIP is whether its tasks get a public address.
	PublicIP Tri
	// Exec is whether ECS Exec is on.
	Exec Tri
	// Stopped are its last stopped tasks, for a deployed account;
	// StoppedWhy says why they could not be read.
	Stopped    []*StoppedTask
	StoppedWhy string
}

// Cluster is an ECS cluster.
type Cluster struct {
	Node
	// Strategy is its default capacity provider strategy; StrategyWhy is
	// non-empty when it cannot be read.
	Strategy    []string
	StrategyWhy string
}

// TaskDef is an ECS task definition.
type TaskDef struct {
	Node
	// NetworkMode is as written; "" when not set, "?" when unreadable.
	NetworkMode string
	// Containers are its containers; ContainersWhy says why they are unknown.
	Containers    []*Container
	ContainersWhy string
	// ExecRole is the execution role; nil with ExecRoleWhy "" means none.
	ExecRole    *Role
	ExecRoleWhy string
	// Fargate is true when its required compatibilities include FARGATE;
	// OtherCompat is true when they also name another (EC2, EXTERNAL).
	Fargate, OtherCompat bool
}

// Container is one container definition.
type Container struct {
	Name string
	// Image is the image reference; unknown parts are written ${...}.
	// ImageWhy is non-empty when the whole image is unknown.
	Image, ImageWhy string
	// LogDriver is the log driver, "" for none; LogGroup is the awslogs
	// group's name and LogRegion its awslogs-region (unknown parts ${...}).
	LogDriver, LogGroup, LogRegion string
	// Secrets are where its secrets come from.
	Secrets []Secret
	// Found is whether the image's tag or digest exists in its repository,
	// as a deployed account shows it: Unknown for templates. FoundWhy says
	// what the registry answered when it is No, and why a live read could
	// not tell when it is Unknown.
	Found    Tri
	FoundWhy string
}

// Secret is one secret a container reads before it starts.
type Secret struct {
	// Store is "secretsmanager", "ssm", or "" when unknown.
	Store string
	// From names it (an ARN, a name, a resource).
	From string
	// ARN is true when From is an ARN even though it is not written as one:
	// the reader knows from the attribute it comes from (a Terraform
	// aws_ssm_parameter.x.arn).
	ARN bool
}

// Role is an IAM role.
type Role struct {
	Node
	// Policies are its identity policies, inline, attached and managed.
	Policies []*Policy
	// PoliciesWhy is non-empty when some cannot be read.
	PoliciesWhy string
}

// Policy is an IAM policy document.
type Policy struct {
	// Name names it in messages.
	Name       string
	Statements []Statement
	// Why is non-empty when the document cannot be read.
	Why string
}

// Statement is one policy statement. Unknown parts of strings are ${...}.
type Statement struct {
	Allow                   bool
	Actions, NotActions     []string
	Resources, NotResources []string
	HasResource             bool
	// Conditional is true when the statement has conditions; Conditions
	// holds them, operator to key to values, when they can be read.
	Conditional  bool
	Conditions   map[string]map[string][]string
	PrincipalAll bool
}

// CacheRule is an ECR pull-through cache rule.
type CacheRule struct {
	Node
	// Prefix is its repository prefix; "" when unknown.
	Prefix string
	// Upstream names the upstream registry.
	Upstream string
}

// Model is the graph a set of inputs describes.
type Model struct {
	Inputs      []*Input
	VPCs        []*VPC
	Subnets     []*Subnet
	RouteTables []*RouteTable
	NetworkACLs []*NetworkACL
	Endpoints   []*Endpoint
	Groups      []*Group
	Services    []*Service
	Clusters    []*Cluster
	TaskDefs    []*TaskDef
	Roles       []*Role
	Caches      []*CacheRule
	// S3PrefixLists are the ids (pl-...) of prefix lists the user names as
	// S3's (pullcheck -s3-prefix-list, privatepull.S3PrefixLists).
	S3PrefixLists []string
	// Choices are the choices the inputs leave open, each named as the
	// unknowns that wait on it name it ("the condition UseNat", "the
	// variable enable_nat").
	Choices []string
	// Assume rebuilds the model of the same inputs taking each named choice
	// as true or false, or returns nil; nil when the front door cannot.
	Assume func(assume map[string]bool) *Model
}
