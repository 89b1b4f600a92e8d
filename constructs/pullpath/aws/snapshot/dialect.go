package snapshot

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// serviceIDs are the real ids around a service, for the commands that fix it.
type serviceIDs struct {
	cluster, service, vpc string
	subnets, groups       []string
	routeTables           []string
}

// dialect words fixes of a deployed account as AWS CLI commands with the
// real ids where the change names them, else as a plain sentence. The ids
// a Change does not carry (a service's groups and route tables) come from
// what the mapper registered for the node a finding is on.
type dialect struct {
	account  string
	region   string
	s3List   string // the region's S3 prefix list, "" when not read
	services map[*pullpath.Node]*serviceIDs
	taskRole map[*pullpath.Node]string   // task definition to execution role name
	gateways map[string][]string         // VPC id to its S3 gateway endpoints
	epGroups map[*pullpath.Node][]string // interface endpoint to its security groups
	stacks   map[*pullpath.Node]string   // resource to "stack S (logical id L)"
	acls     map[*pullpath.Node][]NetworkAclEntry
}

func (d *dialect) cli(service, op string, args ...string) string {
	return "aws " + service + " " + op + " --region " + d.region + " " + strings.Join(args, " ")
}

func or(ids []string, what string) string {
	if len(ids) == 0 {
		return what
	}
	return strings.Join(ids, " ")
}

// Fix words change c; on a resource a CloudFormation stack created, it
// says the change belongs in the stack's template.
func (d *dialect) Fix(c pullpath.Change) string {
	fix := d.fix(c)
	if st := d.stacks[c.At]; st != "" && fix != "" {
		fix += " (" + c.At.ID + " belongs to CloudFormation " + st + ": make the change in its template, or the stack drifts)"
	}
	return fix
}

func (d *dialect) fix(c pullpath.Change) string {
	at, ids := "", &serviceIDs{}
	if c.At != nil {
		at = c.At.ID
		if s := d.services[c.At]; s != nil {
			ids = s
		}
	}
	region := d.region
	partition := pullpath.PartitionOf(region)
	group := "<a task security group>"
	if len(ids.groups) > 0 {
		group = ids.groups[0]
	}
	switch c.Kind {
	case pullpath.AddInterfaceEndpoint:
		if ids.vpc == "" || len(ids.groups) == 0 {
			return d.cli("ec2", "create-vpc-endpoint", "--vpc-id", or([]string{ids.vpc}, "<the tasks' VPC>"), "--vpc-endpoint-type Interface",
				"--service-name com.amazonaws."+region+"."+c.Service, "--private-dns-enabled", "--subnet-ids", or(ids.subnets, "<the task subnets>"),
				"--security-group-ids <a group that admits tcp/443 from "+group+">")
		}
		// a group that admits the tasks, then the endpoint in it
		return "G=$(" + d.cli("ec2", "create-security-group", "--vpc-id", ids.vpc, "--group-name", ids.service+"-"+c.Service+"-endpoint",
			"--description 'tcp/443 from the tasks of "+ids.cluster+"/"+ids.service+"'", "--query GroupId --output text") + ") && " +
			d.cli("ec2", "authorize-security-group-ingress", "--group-id $G", "--ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId="+group+"}]'") + " && " +
			d.cli("ec2", "create-vpc-endpoint", "--vpc-id", ids.vpc, "--vpc-endpoint-type Interface",
				"--service-name com.amazonaws."+region+"."+c.Service, "--private-dns-enabled", "--subnet-ids", strings.Join(ids.subnets, " "), "--security-group-ids $G")
	case pullpath.EnablePrivateDNS:
		return d.cli("ec2", "modify-vpc-endpoint", "--vpc-endpoint-id", at, "--private-dns-enabled")
	case pullpath.EnableDNSSupport:
		return d.cli("ec2", "modify-vpc-attribute", "--vpc-id", at, `--enable-dns-support '{"Value":true}'`)
	case pullpath.EnableDNSHostnames:
		return d.cli("ec2", "modify-vpc-attribute", "--vpc-id", at, `--enable-dns-hostnames '{"Value":true}'`)
	case pullpath.AllowEgressToEndpoint:
		eg := "<the endpoint's group>"
		if gs := d.epGroups[c.Endpoint]; len(gs) > 0 {
			eg = gs[0]
		}
		return d.cli("ec2", "authorize-security-group-egress", "--group-id", group,
			"--ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId="+eg+"}]'")
	case pullpath.AllowIngressFromTasks:
		eg := "<the endpoint's group>"
		if gs := d.epGroups[c.At]; len(gs) > 0 {
			eg = gs[0]
		}
		tg := "<the task group>"
		if s := d.services[c.Tasks]; s != nil && len(s.groups) > 0 {
			tg = s.groups[0]
		}
		return "admit tcp/443 from the task security group on a security group of " + at + ": " +
			d.cli("ec2", "authorize-security-group-ingress", "--group-id", eg, "--ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId="+tg+"}]'")
	case pullpath.AllowPullInEndpointPolicy:
		return "allow ecr:GetAuthorizationToken on * and ecr:BatchGetImage, ecr:GetDownloadUrlForLayer on the repositories, or reset the policy: " +
			d.cli("ec2", "modify-vpc-endpoint", "--vpc-endpoint-id", at, "--reset-policy")
	case pullpath.AllowLayersInGatewayPolicy:
		return "allow s3:GetObject on arn:" + partition + ":s3:::prod-" + region + "-starport-layer-bucket/* (and let no Deny cover it), or reset the policy: " +
			d.cli("ec2", "modify-vpc-endpoint", "--vpc-endpoint-id", at, "--reset-policy")
	case pullpath.SetExecutionRole:
		return "register a revision of task definition " + at + " with an executionRoleArn (a role with AmazonECSTaskExecutionRolePolicy attached) and update the service to it"
	case pullpath.GrantExecutionRole:
		return "aws iam attach-role-policy --role-name " + c.Role + " --policy-arn arn:" + partition + ":iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy (and allow the secrets' reads)"
	case pullpath.GrantCacheImport, pullpath.GrantCacheCreate:
		actions := `"ecr:BatchImportUpstreamImage","ecr:CreateRepository"`
		if c.Kind == pullpath.GrantCacheCreate {
			actions = `"ecr:CreateRepository"`
		}
		role := d.taskRole[c.At]
		if role == "" {
			role = "<the execution role>"
		}
		return "aws iam put-role-policy --role-name " + role + ` --policy-name pull-through-cache --policy-document '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":[` + actions + `],"Resource":"*"}]}'`
	case pullpath.WarmCache:
		return "pull each image once from a network with a way out (or route the task subnets through a NAT gateway) before relying on the cache"
	case pullpath.CopyImageToECR:
		return "push the image to a repository of this region's ECR (aws ecr create-repository --region " + region + " --repository-name NAME, then docker push) and register a task definition revision that uses it"
	case pullpath.DisablePublicIP:
		return d.cli("ecs", "update-service", "--cluster", ids.cluster, "--service", ids.service,
			"--network-configuration 'awsvpcConfiguration={subnets=["+strings.Join(ids.subnets, ",")+"],securityGroups=["+strings.Join(ids.groups, ",")+"],assignPublicIp=DISABLED}'")
	case pullpath.PutGatewayOnTaskRouteTables:
		rts := []string(nil)
		if s := d.services[c.Tasks]; s != nil {
			rts = s.routeTables
		}
		return d.cli("ec2", "modify-vpc-endpoint", "--vpc-endpoint-id", at, "--add-route-table-ids", or(rts, "<the task subnets' route tables>"))
	case pullpath.AddTaskRouteTablesToGateway:
		return d.cli("ec2", "modify-vpc-endpoint", "--vpc-endpoint-id", or(d.gateways[ids.vpc][:min(1, len(d.gateways[ids.vpc]))], "<the VPC's S3 gateway endpoint>"),
			"--add-route-table-ids", or(ids.routeTables, "<the task subnets' route tables>"))
	case pullpath.AddS3Gateway:
		return d.cli("ec2", "create-vpc-endpoint", "--vpc-id", or([]string{ids.vpc}, "<the tasks' VPC>"), "--vpc-endpoint-type Gateway",
			"--service-name com.amazonaws."+region+".s3", "--route-table-ids", or(ids.routeTables, "<the task subnets' route tables>"))
	case pullpath.AllowEgressToS3:
		pl := d.s3List
		if pl == "" {
			pl = "<the prefix list com.amazonaws." + region + ".s3>"
		}
		return d.cli("ec2", "authorize-security-group-egress", "--group-id", group,
			"--ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,PrefixListIds=[{PrefixListId="+pl+"}]'")
	case pullpath.AllowInNetworkACL:
		return d.aclEntry(c)
	case pullpath.ForwardToVPCResolver:
		return "make the DNS servers of the VPC's DHCP options forward the endpoints' names to the VPC resolver (a Route 53 Resolver inbound endpoint), or give the VPC options with AmazonProvidedDNS: " +
			"O=$(" + d.cli("ec2", "create-dhcp-options", "--dhcp-configurations 'Key=domain-name-servers,Values=AmazonProvidedDNS'", "--query DhcpOptions.DhcpOptionsId --output text") + ") && " +
			d.cli("ec2", "associate-dhcp-options", "--dhcp-options-id $O", "--vpc-id", at)
	case pullpath.PushImage:
		im, _ := pullpath.ParseECRImage(c.Image)
		return fmt.Sprintf("push it (docker push %s), or register a revision of %s with an image that aws ecr list-images --region %s --repository-name %s lists", c.Image, at, region, im.Repo)
	}
	return ""
}

// Placeholder is never needed: a deployed account knows its environment.
func (d *dialect) Placeholder(p pullpath.Placeholder) string {
	switch p {
	case pullpath.Region:
		return d.region
	case pullpath.Partition:
		return pullpath.PartitionOf(d.region)
	}
	return d.account
}

// aclEntry words AllowInNetworkACL as create-network-acl-entry, with a
// rule number no entry of that direction uses, below the first entry that
// denies (EC2 applies the lowest number first).
func (d *dialect) aclEntry(c pullpath.Change) string {
	at := ""
	if c.At != nil {
		at = c.At.ID
	}
	from, to, ok := strings.Cut(c.Ports, "-")
	if !ok {
		to = from
	}
	cidr, _, _ := strings.Cut(c.Peer, " ")
	if _, err := netip.ParsePrefix(cidr); err != nil {
		cidr = "<" + c.Peer + ">"
	}
	used := map[int32]bool{}
	deny := int32(32767)
	for _, e := range d.acls[c.At] {
		if e.Egress != c.Egress {
			continue
		}
		used[e.RuleNumber] = true
		if e.RuleAction == "deny" && e.RuleNumber < deny {
			deny = e.RuleNumber
		}
	}
	number := "<a number below the entry that denies it>"
	for n := deny - 1; n >= 1; n-- {
		if !used[n] {
			number = strconv.Itoa(int(n))
			break
		}
	}
	dir := "--ingress"
	if c.Egress {
		dir = "--egress"
	}
	return d.cli("ec2", "create-network-acl-entry", "--network-acl-id", at, "--rule-number", number, dir, "--protocol tcp",
		"--port-range From="+from+",To="+to, "--cidr-block", cidr, "--rule-action allow")
}
