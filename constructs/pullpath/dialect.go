package pullpath

// A Dialect words what the core asks of an input in the input's own terms:
// CloudFormation properties and resource types, Terraform arguments and
// addresses, AWS CLI commands with real ids. Each reader gives its inputs
// one; rules state a cause and a Change, never which reader an input came
// from.
type Dialect interface {
	// Fix words change c as one line.
	Fix(c Change) string
	// Placeholder is how the input writes the account, the region or the
	// partition it is deployed to, when the set does not name it
	// ("${AWS::Region}").
	Placeholder(p Placeholder) string
}

// Placeholder names a value known only where the input is deployed.
type Placeholder int

// The placeholders a Dialect writes.
const (
	Account Placeholder = iota
	Region
	Partition
)

// ChangeKind is what a fix changes.
type ChangeKind int

// The changes rules ask for. Each comment says what the change does.
const (
	// AddInterfaceEndpoint adds an interface endpoint for Change.Service
	// with private DNS on, in the tasks' subnets.
	AddInterfaceEndpoint ChangeKind = iota + 1
	// EnablePrivateDNS turns private DNS on for an interface endpoint.
	EnablePrivateDNS
	// EnableDNSSupport turns DNS support on for the VPC.
	EnableDNSSupport
	// EnableDNSHostnames turns DNS hostnames on for the VPC.
	EnableDNSHostnames
	// AllowEgressToEndpoint lets the task groups send tcp/443 to an
	// interface endpoint.
	AllowEgressToEndpoint
	// AllowIngressFromTasks lets an endpoint's groups admit tcp/443 from
	// the tasks.
	AllowIngressFromTasks
	// AllowPullInEndpointPolicy lets an ECR endpoint's policy allow the pull.
	AllowPullInEndpointPolicy
	// AllowLayersInGatewayPolicy lets the S3 gateway's policy allow
	// s3:GetObject on the region's layer bucket.
	AllowLayersInGatewayPolicy
	// SetExecutionRole gives a task definition an execution role.
	SetExecutionRole
	// GrantExecutionRole grants execution role Change.Role what Fargate
	// calls for the task.
	GrantExecutionRole
	// GrantCacheImport allows ecr:BatchImportUpstreamImage to the
	// execution role.
	GrantCacheImport
	// GrantCacheCreate allows ecr:CreateRepository to the execution role.
	GrantCacheCreate
	// WarmCache pulls the cached images once through a way out.
	WarmCache
	// CopyImageToECR moves the image into the region's private ECR.
	CopyImageToECR
	// DisablePublicIP stops giving the tasks a public IP.
	DisablePublicIP
	// PutGatewayOnTaskRouteTables moves an S3 gateway that serves no subnet
	// onto the route tables of the task subnets (said of the gateway).
	PutGatewayOnTaskRouteTables
	// AddTaskRouteTablesToGateway puts the task subnets' route tables on the
	// VPC's S3 gateway (said of the service).
	AddTaskRouteTablesToGateway
	// AddS3Gateway adds an S3 gateway endpoint on the task subnets' route
	// tables.
	AddS3Gateway
	// AllowEgressToS3 lets the task groups send tcp/443 to the S3 prefix
	// list.
	AllowEgressToS3
	// AllowInNetworkACL adds an allow entry to a network ACL: tcp ports
	// Change.Ports to or from Change.Peer, outbound when Change.Egress.
	AllowInNetworkACL
	// ForwardToVPCResolver makes the VPC's custom DNS servers forward the
	// endpoints' names to the VPC resolver, or goes back to AmazonProvidedDNS.
	ForwardToVPCResolver
	// PushImage pushes the missing tag or digest Change.Image to its
	// repository, or points the task definition at one that exists.
	PushImage
	// MoveNATToPublicSubnet moves NAT gateway Change.NAT, whose own subnet
	// has no route to an internet gateway, into a public subnet (offered
	// beside the endpoints the tasks lack).
	MoveNATToPublicSubnet
)

// Change is one fix for a dialect to word.
type Change struct {
	Kind ChangeKind
	// Region is the region, or REGION when unknown.
	Region string
	// Service is the endpoint service's short name (AddInterfaceEndpoint).
	Service string
	// Role is the execution role's id (GrantExecutionRole).
	Role string
	// Image is the image reference (PushImage).
	Image string
	// NAT is the NAT gateway's id (MoveNATToPublicSubnet).
	NAT string
	// At is the resource the finding is on.
	At *Node
	// Endpoint is the interface endpoint the task groups must reach
	// (AllowEgressToEndpoint).
	Endpoint *Node
	// Tasks is the service whose tasks the change is for, when At is not
	// it (AllowIngressFromTasks, PutGatewayOnTaskRouteTables): a dialect
	// with real ids names its groups or route tables.
	Tasks *Node
	// Egress, Ports and Peer describe the entry AllowInNetworkACL adds:
	// its direction, its tcp port range ("443", "1024-65535") and the
	// block it names.
	Egress bool
	Ports  string
	Peer   string
}
