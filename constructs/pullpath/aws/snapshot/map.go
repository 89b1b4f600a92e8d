package snapshot

import (
	"cmp"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// mapper turns one snapshot into the model. Node ids are the real ids
// (vpc-..., sg-..., rtb-...); a service's id is CLUSTER/SERVICE, a task
// definition's FAMILY:REVISION, a role's its name.
type mapper struct {
	s      *Snapshot
	m      *pullpath.Model
	in     *pullpath.Input
	d      *dialect
	denied map[string][]Denied // by action
	vpcs   map[string]*pullpath.VPC
	subs   map[string]*pullpath.Subnet
	rts    map[string]*pullpath.RouteTable
	groups map[string]*pullpath.Group
	roles  map[string]*pullpath.Role
	tasks  map[string]*pullpath.TaskDef
	lists  map[string]PrefixList
}

// Model maps snapshot s into a model of one input, aws://ACCOUNT/REGION.
func Model(s *Snapshot) *pullpath.Model {
	d := &dialect{account: s.Account, region: s.Region, services: map[*pullpath.Node]*serviceIDs{},
		taskRole: map[*pullpath.Node]string{}, gateways: map[string][]string{}, epGroups: map[*pullpath.Node][]string{},
		stacks: map[*pullpath.Node]string{}, acls: map[*pullpath.Node][]NetworkAclEntry{}}
	in := &pullpath.Input{Path: Path(s.Account, s.Region), Dialect: d, Account: s.Account, Region: s.Region}
	mp := &mapper{s: s, m: &pullpath.Model{Inputs: []*pullpath.Input{in}}, in: in, d: d,
		denied: map[string][]Denied{}, vpcs: map[string]*pullpath.VPC{}, subs: map[string]*pullpath.Subnet{},
		rts: map[string]*pullpath.RouteTable{}, groups: map[string]*pullpath.Group{}, roles: map[string]*pullpath.Role{},
		tasks: map[string]*pullpath.TaskDef{}, lists: map[string]PrefixList{}}
	for _, x := range s.Denied {
		mp.denied[x.Action] = append(mp.denied[x.Action], x)
	}
	for _, pl := range s.EC2.PrefixLists {
		mp.lists[pl.PrefixListId] = pl
		if pl.PrefixListName == "com.amazonaws."+s.Region+".s3" {
			d.s3List = pl.PrefixListId
		}
	}
	mp.network()
	mp.iam()
	mp.ecs()
	mp.caches()
	for _, x := range s.Denied {
		switch x.Action {
		case "ecs:ListClusters", "ecs:ListServices", "ecs:DescribeServices", "ec2:DescribeVpcEndpoints":
			// services or endpoints there may exist
			in.Hidden = append(in.Hidden, x.Why())
		case "ecr:DescribePullThroughCacheRules":
			in.Unknowns = append(in.Unknowns, "pull-through cache rules: "+x.Why())
		case "ec2:DescribeVpcAttribute", "ec2:DescribeDhcpOptions", "ec2:DescribeNetworkAcls":
			// the model keeps no reason on these pieces: every service says it
			in.Unknowns = append(in.Unknowns, strings.TrimPrefix(x.What, "the ")+": "+x.Why())
		}
	}
	return mp.m
}

// why returns the refusal of action about on, or "". A refusal about the
// whole region ("") matches any on; on "" matches any refusal.
func (mp *mapper) why(action, on string) string {
	for _, x := range mp.denied[action] {
		if x.On == "" || on == "" || x.On == on {
			return x.Why()
		}
	}
	return ""
}

func (mp *mapper) node(id string) pullpath.Node { return pullpath.Node{In: mp.in, ID: id} }

// stack notes the CloudFormation stack of node n from its tags.
func (mp *mapper) stack(n *pullpath.Node, tags []Tag) {
	var stack, logical string
	for _, t := range tags {
		switch t.Key {
		case "aws:cloudformation:stack-name":
			stack = t.Value
		case "aws:cloudformation:logical-id":
			logical = t.Value
		}
	}
	if stack == "" {
		return
	}
	st := "stack " + stack
	if logical != "" {
		st += " (logical id " + logical + ")"
	}
	mp.d.stacks[n] = st
}

// ec2Node is a node of an EC2 resource of kind ("vpc", "security-group"),
// with its ARN.
func (mp *mapper) ec2Node(kind, id string) pullpath.Node {
	n := mp.node(id)
	n.ARN = "arn:" + pullpath.PartitionOf(mp.s.Region) + ":ec2:" + mp.s.Region + ":" + mp.s.Account + ":" + kind + "/" + id
	return n
}

func (mp *mapper) arnNode(id, arn string) pullpath.Node {
	n := mp.node(id)
	n.ARN = arn
	return n
}

func (mp *mapper) network() {
	e := &mp.s.EC2
	dhcp := map[string]DhcpOptions{}
	for _, o := range e.DhcpOptions {
		dhcp[o.DhcpOptionsId] = o
	}
	for _, v := range e.Vpcs {
		x := pullpath.Add(&mp.m.VPCs, &pullpath.VPC{Node: mp.ec2Node("vpc", v.VpcId), DHCPOptions: v.DhcpOptionsId})
		mp.stack(&x.Node, v.Tags)
		x.DNSSupport, x.DNSHostnames = tri(v.EnableDnsSupport), tri(v.EnableDnsHostnames)
		for _, a := range v.CidrBlockAssociationSet {
			if a.CidrBlockState == nil || a.CidrBlockState.State == "associated" {
				x.CIDRs = append(x.CIDRs, pullpath.ParseCIDR(a.CidrBlock))
			}
		}
		if len(x.CIDRs) == 0 && v.CidrBlock != "" {
			x.CIDRs = []pullpath.CIDR{pullpath.ParseCIDR(v.CidrBlock)}
		}
		if o, ok := dhcp[v.DhcpOptionsId]; ok {
			for _, c := range o.DhcpConfigurations {
				if c.Key != "domain-name-servers" {
					continue
				}
				for _, val := range c.Values {
					if val.Value != "AmazonProvidedDNS" {
						x.DNSServers = append(x.DNSServers, val.Value)
					}
				}
			}
		} else if v.DhcpOptionsId != "" && v.DhcpOptionsId != "default" {
			x.DHCPWhy = cmp.Or(mp.why("ec2:DescribeDhcpOptions", v.DhcpOptionsId), "the DHCP options "+v.DhcpOptionsId+" were not read")
		}
		mp.vpcs[v.VpcId] = x
	}
	for _, sn := range e.Subnets {
		x := pullpath.Add(&mp.m.Subnets, &pullpath.Subnet{Node: mp.ec2Node("subnet", sn.SubnetId), VPC: mp.vpc(sn.VpcId), CIDR: pullpath.ParseCIDR(sn.CidrBlock)})
		if why := mp.why("ec2:DescribeRouteTables", sn.VpcId); why != "" {
			x.RouteTableWhy = why
		}
		mp.subs[sn.SubnetId] = x
	}
	nats := map[string]NatGateway{}
	for _, n := range e.NatGateways {
		nats[n.NatGatewayId] = n
	}
	for _, rt := range e.RouteTables {
		x := pullpath.Add(&mp.m.RouteTables, &pullpath.RouteTable{Node: mp.ec2Node("route-table", rt.RouteTableId), VPC: mp.vpc(rt.VpcId)})
		mp.stack(&x.Node, rt.Tags)
		mp.rts[rt.RouteTableId] = x
		for _, a := range rt.Associations {
			if a.Main {
				x.Main = true
				if x.VPC != nil {
					x.VPC.MainRouteTable = x
				}
			}
			if sn := mp.subs[a.SubnetId]; sn != nil && a.SubnetId != "" {
				sn.RouteTable, sn.Associated, sn.RouteTableWhy = x, true, ""
			}
		}
		for _, r := range rt.Routes {
			if r.GatewayId == "local" || r.State == "blackhole" || r.DestinationIpv6CidrBlock != "" || (strings.HasPrefix(r.GatewayId, "vpce-") && r.DestinationPrefixListId != "") {
				continue // the VPC itself, a dead route, IPv6, or a gateway endpoint's prefix list (a firewall's vpce- route stays)
			}
			route := pullpath.Route{Dest: pullpath.ParseCIDR(r.DestinationCidrBlock), Target: pullpath.TargetOther, TargetID: r.Target()}
			if r.DestinationCidrBlock == "" && r.DestinationPrefixListId != "" {
				route.Dest = pullpath.CIDR{Sym: r.DestinationPrefixListId}
			}
			switch {
			case r.NatGatewayId != "":
				route.Target = pullpath.TargetNAT
				if n, ok := nats[r.NatGatewayId]; ok {
					route.NATSubnet = mp.subs[n.SubnetId]
				}
			case strings.HasPrefix(r.GatewayId, "igw-"):
				route.Target = pullpath.TargetIGW
			}
			x.Routes = append(x.Routes, route)
		}
	}
	mp.networkACLs()
	for _, g := range e.SecurityGroups {
		x := pullpath.Add(&mp.m.Groups, &pullpath.Group{Node: mp.ec2Node("security-group", g.GroupId), VPC: mp.vpc(g.VpcId)})
		mp.stack(&x.Node, g.Tags)
		if why := mp.why("ec2:DescribeSecurityGroupRules", g.GroupId); why != "" {
			x.EgressWhy, x.IngressWhy = why, why
		}
		mp.groups[g.GroupId] = x
	}
	for _, r := range e.SecurityGroupRules {
		g := mp.groups[r.GroupId]
		if g == nil {
			continue
		}
		x := &pullpath.Rule{ID: r.SecurityGroupRuleId, Proto: r.IpProtocol, From: int(r.FromPort), To: int(r.ToPort), PortsKnown: true}
		switch {
		case r.CidrIpv4 != "":
			x.CIDR = pullpath.ParseCIDR(r.CidrIpv4)
		case r.CidrIpv6 != "":
			x.IPv6 = true
		case r.PrefixListId != "":
			x.PrefixList = r.PrefixListId
			x.PrefixListName = mp.lists[r.PrefixListId].PrefixListName
		case r.ReferencedGroupInfo != nil:
			x.Group = mp.group(r.ReferencedGroupInfo.GroupId)
		default:
			x.PeerWhy = "rule " + r.SecurityGroupRuleId + " names no peer"
		}
		switch x.Proto {
		case "6":
			x.Proto = "tcp"
		case "17":
			x.Proto = "udp"
		}
		if r.IsEgress {
			g.Egress = append(g.Egress, x)
		} else {
			g.Ingress = append(g.Ingress, x)
		}
	}
	mp.s3Blocks()
	for _, ep := range e.VpcEndpoints {
		if ep.State != "" && !strings.EqualFold(ep.State, "available") {
			continue // EC2 writes "available" in lowercase; pending, failed or deleted ones serve nothing
		}
		x := pullpath.Add(&mp.m.Endpoints, &pullpath.Endpoint{Node: mp.ec2Node("vpc-endpoint", ep.VpcEndpointId), VPC: mp.vpc(ep.VpcId),
			Service: pullpath.ServiceShortName(ep.ServiceName), ServiceName: ep.ServiceName, Type: ep.VpcEndpointType,
			PrivateDNS: pullpath.TriOf(ep.PrivateDnsEnabled)})
		mp.stack(&x.Node, ep.Tags)
		for _, g := range ep.Groups {
			x.Groups = append(x.Groups, mp.group(g.GroupId))
			mp.d.epGroups[&x.Node] = append(mp.d.epGroups[&x.Node], g.GroupId)
		}
		for _, id := range ep.SubnetIds {
			x.Subnets = append(x.Subnets, mp.subnet(id))
		}
		for _, id := range ep.RouteTableIds {
			if rt := mp.rts[id]; rt != nil {
				x.RouteTables = append(x.RouteTables, rt)
			} else {
				x.RouteTablesWhy = "route table " + id + " was not read"
			}
		}
		if x.Service == "s3" && x.Type == "Gateway" {
			mp.d.gateways[ep.VpcId] = append(mp.d.gateways[ep.VpcId], ep.VpcEndpointId)
		}
		if ep.PolicyDocument != "" {
			x.Policy = policy("the policy of "+ep.VpcEndpointId, ep.PolicyDocument)
		}
	}
}

// s3Blocks keeps what the live account shows of S3's real ranges: a group
// whose tcp/443 egress CIDR rules cover every block of the region's S3
// prefix list reaches S3 as a rule to the list would, so it gets that rule
// too (its id names the rules it stands for).
func (mp *mapper) s3Blocks() {
	var s3 PrefixList
	for _, pl := range mp.s.EC2.PrefixLists {
		if pl.PrefixListName == "com.amazonaws."+mp.s.Region+".s3" {
			s3 = pl
		}
	}
	if len(s3.Entries) == 0 {
		return
	}
	for _, en := range s3.Entries {
		mp.in.S3Ranges = append(mp.in.S3Ranges, pullpath.ParseCIDR(en.Cidr))
	}
	for _, g := range mp.m.Groups {
		if slices.ContainsFunc(g.Egress, func(r *pullpath.Rule) bool { return r.PrefixList != "" }) {
			continue
		}
		var by []string
		covered := true
		for _, en := range s3.Entries {
			block := pullpath.ParseCIDR(en.Cidr)
			i := slices.IndexFunc(g.Egress, func(r *pullpath.Rule) bool {
				tcp443 := r.Proto == "-1" || (r.Proto == "tcp" && r.From <= 443 && 443 <= r.To)
				return tcp443 && r.CIDR.P.IsValid() && r.CIDR.P.Bits() > 0 && block.P.IsValid() && r.CIDR.Covers(block) == pullpath.Yes
			})
			if i < 0 {
				covered = false
				break
			}
			if !slices.Contains(by, g.Egress[i].ID) {
				by = append(by, g.Egress[i].ID)
			}
		}
		if covered {
			g.Egress = append(g.Egress, &pullpath.Rule{ID: strings.Join(by, "+"), Proto: "tcp", From: 443, To: 443, PortsKnown: true,
				PrefixList: s3.PrefixListId, PrefixListName: s3.PrefixListName})
		}
	}
}

// networkACLs maps the network ACLs, their entries as EC2 describes them
// (the implicit * entry included, as rule 32767) and their subnets. A subnet
// whose ACL was not read has an unknown one.
func (mp *mapper) networkACLs() {
	for _, a := range mp.s.EC2.NetworkAcls {
		x := pullpath.Add(&mp.m.NetworkACLs, &pullpath.NetworkACL{Node: mp.ec2Node("network-acl", a.NetworkAclId), VPC: mp.vpc(a.VpcId), Default: a.IsDefault})
		mp.d.acls[&x.Node] = a.Entries
		mp.stack(&x.Node, a.Tags)
		for _, e := range a.Entries {
			entry := pullpath.ACLEntry{Number: int(e.RuleNumber), Egress: e.Egress, Allow: e.RuleAction == "allow",
				Proto: pullpath.Protocol(e.Protocol), To: 65535, PortsKnown: true, CIDR: pullpath.ParseCIDR(e.CidrBlock)}
			if e.CidrBlock == "" {
				entry.IPv6 = true // an Ipv6CidrBlock entry
			}
			if e.PortRange != nil && (entry.Proto == "tcp" || entry.Proto == "udp") {
				entry.From, entry.To = int(e.PortRange.From), int(e.PortRange.To)
			}
			x.Entries = append(x.Entries, entry)
		}
		if a.IsDefault && x.VPC != nil {
			x.VPC.DefaultACL = x
		}
		for _, as := range a.Associations {
			if sn := mp.subs[as.SubnetId]; sn != nil {
				sn.NetworkACL, sn.ACLAssociated = x, true
			}
		}
	}
	for id, sn := range mp.subs {
		if sn.NetworkACL == nil {
			sn.ACLAssociated = true // EC2 shows every subnet's ACL: none read means unknown
			vpc := ""
			if sn.VPC != nil {
				vpc = sn.VPC.ID
			}
			sn.NetworkACLWhy = cmp.Or(mp.why("ec2:DescribeNetworkAcls", vpc), "the network ACL of subnet "+id+" was not read")
		}
	}
}

func tri(b *bool) pullpath.Tri {
	if b == nil {
		return pullpath.Unknown
	}
	return pullpath.TriOf(*b)
}

// vpc returns the VPC id, or one outside the snapshot.
func (mp *mapper) vpc(id string) *pullpath.VPC {
	if id == "" {
		return nil
	}
	if v := mp.vpcs[id]; v != nil {
		return v
	}
	v := pullpath.Add(&mp.m.VPCs, &pullpath.VPC{Node: mp.node(id)})
	v.Ext = cmpOr(mp.why("ec2:DescribeVpcs", ""), "VPC "+id+", which was not read")
	mp.vpcs[id] = v
	return v
}

func (mp *mapper) subnet(id string) *pullpath.Subnet {
	if s := mp.subs[id]; s != nil {
		return s
	}
	why := cmpOr(mp.why("ec2:DescribeSubnets", ""), "subnet "+id+", which was not read")
	s := pullpath.Add(&mp.m.Subnets, &pullpath.Subnet{Node: mp.node(id), RouteTableWhy: why})
	s.Ext = id
	mp.subs[id] = s
	return s
}

func (mp *mapper) group(id string) *pullpath.Group {
	if g := mp.groups[id]; g != nil {
		return g
	}
	why := cmpOr(mp.why("ec2:DescribeSecurityGroups", ""), "security group "+id+", which was not read (another VPC or account)")
	g := pullpath.Add(&mp.m.Groups, &pullpath.Group{Node: mp.node(id), EgressWhy: why, IngressWhy: why})
	g.Ext = id
	mp.groups[id] = g
	return g
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// policy reads a policy document as IAM or EC2 gives it: JSON text, which
// IAM URL-encodes.
func policy(name, doc string) *pullpath.Policy {
	text := strings.TrimSpace(doc)
	if strings.HasPrefix(text, "%") {
		if dec, err := url.QueryUnescape(text); err == nil {
			text = dec
		}
	}
	var v any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		return &pullpath.Policy{Name: name, Why: name + " is not JSON"}
	}
	return pullpath.ParsePolicy(name, v, pullpath.Strings)
}

func (mp *mapper) iam() {
	docs := map[string]ManagedPolicy{}
	for _, p := range mp.s.IAM.Policies {
		docs[p.Arn] = p
	}
	for _, r := range mp.s.IAM.Roles {
		x := pullpath.Add(&mp.m.Roles, &pullpath.Role{Node: mp.arnNode(r.RoleName, r.Arn)})
		mp.roles[r.Arn] = x
		for _, action := range []string{"iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies"} {
			if why := mp.why(action, r.RoleName); why != "" {
				x.PoliciesWhy = why
			}
		}
		for _, p := range r.RolePolicies {
			x.Policies = append(x.Policies, policy("the inline policy "+p.PolicyName+" of role "+r.RoleName, p.PolicyDocument))
		}
		for _, a := range r.AttachedPolicies {
			if p := pullpath.ManagedPolicy(a.PolicyArn); p != nil {
				x.Policies = append(x.Policies, p)
				continue
			}
			if d, ok := docs[a.PolicyArn]; ok {
				x.Policies = append(x.Policies, policy("the policy "+a.PolicyArn, d.Document))
				continue
			}
			why := cmpOr(mp.why("iam:GetPolicyVersion", a.PolicyArn), mp.why("iam:GetPolicy", a.PolicyArn))
			x.Policies = append(x.Policies, &pullpath.Policy{Name: a.PolicyArn, Why: cmpOr(why, "the policy "+a.PolicyArn+" was not read")})
		}
	}
}

// role returns the role of an ARN, or one outside the snapshot.
func (mp *mapper) role(arn string) *pullpath.Role {
	if r := mp.roles[arn]; r != nil {
		return r
	}
	name := arn[strings.LastIndexByte(arn, '/')+1:]
	why := cmpOr(mp.why("iam:ListRolePolicies", name), "role "+name+" was not read")
	r := pullpath.Add(&mp.m.Roles, &pullpath.Role{Node: mp.node(name), PoliciesWhy: why})
	mp.roles[arn] = r
	return r
}

func (mp *mapper) ecs() {
	clusters := map[string]*pullpath.Cluster{}
	for _, c := range mp.s.ECS.Clusters {
		x := pullpath.Add(&mp.m.Clusters, &pullpath.Cluster{Node: mp.arnNode(c.ClusterName, c.ClusterArn)})
		for _, p := range c.DefaultCapacityProviderStrategy {
			x.Strategy = append(x.Strategy, p.CapacityProvider)
		}
		clusters[c.ClusterArn] = x
	}
	for _, t := range mp.s.ECS.TaskDefinitions {
		x := pullpath.Add(&mp.m.TaskDefs, &pullpath.TaskDef{Node: mp.arnNode(t.Family+":"+strconv.Itoa(int(t.Revision)), t.TaskDefinitionArn), NetworkMode: t.NetworkMode})
		if t.ExecutionRoleArn != "" {
			x.ExecRole = mp.role(t.ExecutionRoleArn)
			mp.d.taskRole[&x.Node] = x.ExecRole.ID
		}
		for _, c := range t.ContainerDefinitions {
			x.Containers = append(x.Containers, mp.container(c))
		}
		mp.tasks[t.TaskDefinitionArn] = x
	}
	for _, raw := range mp.s.ECS.Services {
		s := raw.Primary()
		cluster := clusters[s.ClusterArn]
		cname := s.ClusterArn[strings.LastIndexByte(s.ClusterArn, '/')+1:]
		if cluster == nil {
			cluster = pullpath.Add(&mp.m.Clusters, &pullpath.Cluster{Node: mp.node(cname)})
			cluster.StrategyWhy = cmpOr(mp.why("ecs:DescribeClusters", s.ClusterArn), "cluster "+cname+" was not read")
			clusters[s.ClusterArn] = cluster
		}
		x := pullpath.Add(&mp.m.Services, &pullpath.Service{Node: mp.arnNode(cname+"/"+s.ServiceName, s.ServiceArn), Cluster: cluster,
			LaunchType: s.LaunchType, Exec: pullpath.TriOf(s.EnableExecuteCommand), PublicIP: pullpath.No})
		for _, p := range s.CapacityProviderStrategy {
			x.Strategy = append(x.Strategy, p.CapacityProvider)
		}
		x.Task = mp.tasks[s.TaskDefinition]
		if x.Task == nil {
			x.TaskWhy = cmpOr(mp.why("ecs:DescribeTaskDefinition", s.TaskDefinition), "task definition "+s.TaskDefinition+" was not read")
		}
		ids := &serviceIDs{cluster: cname, service: s.ServiceName}
		if nc := s.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
			a := nc.AwsvpcConfiguration
			x.Awsvpc = true
			x.PublicIP = pullpath.TriOf(a.AssignPublicIp == "ENABLED")
			if why := mp.why("ec2:DescribeSubnets", ""); why != "" {
				x.SubnetsWhy = why
			}
			for _, id := range a.Subnets {
				x.Subnets = append(x.Subnets, mp.subnet(id))
			}
			if why := mp.why("ec2:DescribeSecurityGroups", ""); why != "" {
				x.GroupsWhy = why
			}
			for _, id := range a.SecurityGroups {
				x.Groups = append(x.Groups, mp.group(id))
			}
			ids.groups = a.SecurityGroups
			for _, sn := range x.Subnets {
				if sn.RouteTable != nil && !slices.Contains(ids.routeTables, sn.RouteTable.ID) {
					ids.routeTables = append(ids.routeTables, sn.RouteTable.ID)
				} else if sn.RouteTable == nil && !sn.Associated && sn.VPC != nil && sn.VPC.MainRouteTable != nil && !slices.Contains(ids.routeTables, sn.VPC.MainRouteTable.ID) {
					ids.routeTables = append(ids.routeTables, sn.VPC.MainRouteTable.ID)
				}
			}
			ids.subnets = a.Subnets
			if v := pullpath.ServiceVPC(x); v != nil {
				ids.vpc = v.ID
			}
		}
		mp.d.services[&x.Node] = ids
		mp.stoppedTasks(x, raw)
		var tags []Tag
		for _, t := range s.Tags {
			tags = append(tags, Tag{Key: t.Key, Value: t.Value})
		}
		mp.stack(&x.Node, tags)
	}
}

// container maps a container definition; its image is Found when the
// registry listed its tag or digest, not Found when the registry said it
// is missing, and unknown (with the refusal) when the read was denied.
func (mp *mapper) container(c ContainerDefinition) *pullpath.Container {
	x := &pullpath.Container{Name: c.Name, Image: c.Image}
	if lc := c.LogConfiguration; lc != nil {
		x.LogDriver, x.LogGroup = lc.LogDriver, lc.Options["awslogs-group"]
	}
	for _, sec := range c.Secrets {
		x.Secrets = append(x.Secrets, pullpath.Secret{Store: pullpath.SecretStore(sec.ValueFrom), From: sec.ValueFrom})
	}
	ref, ok := pullpath.ParseECRImage(c.Image)
	if !ok || ref.Region != mp.s.Region {
		return x
	}
	for _, im := range mp.s.ECR.Images {
		if im.RepositoryName == ref.Repo && (im.RegistryId == "" || im.RegistryId == ref.Account) &&
			((ref.Digest != "" && im.ImageDigest == ref.Digest) || (ref.Digest == "" && slices.Contains(im.ImageTags, ref.Tag))) {
			x.Found = pullpath.Yes
			return x
		}
	}
	for _, c := range mp.s.ECR.PullThroughCacheRules {
		if c.EcrRepositoryPrefix == "ROOT" || strings.HasPrefix(ref.Repo, c.EcrRepositoryPrefix+"/") {
			return x // a cache creates the repository on the first pull: PRIVATEPULL-PULL-THROUGH-CACHE judges it
		}
	}
	for _, f := range mp.s.ECR.ImageFailures {
		if f.RepositoryName == ref.Repo && (f.RegistryId == "" || f.RegistryId == ref.Account) &&
			(f.FailureCode == "RepositoryNotFound" || (ref.Digest != "" && f.ImageId.ImageDigest == ref.Digest) || (ref.Digest == "" && f.ImageId.ImageTag == ref.Tag)) {
			x.Found, x.FoundWhy = pullpath.No, f.FailureCode+": "+cmpOr(f.FailureReason, "the registry does not have it")
			return x
		}
	}
	if why := mp.why("ecr:DescribeImages", ref.Repo); why != "" {
		x.FoundWhy = why
	}
	return x
}

func (mp *mapper) caches() {
	for _, c := range mp.s.ECR.PullThroughCacheRules {
		pullpath.Add(&mp.m.Caches, &pullpath.CacheRule{Node: mp.node(c.EcrRepositoryPrefix), Prefix: c.EcrRepositoryPrefix, Upstream: c.UpstreamRegistryUrl})
	}
}
