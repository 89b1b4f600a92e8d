// Package awstest is a fake AWS account for tests: one httptest server on
// 127.0.0.1 that answers the pull-path reader's calls from a snapshot, in
// each service's own wire protocol, and counts them.
package awstest

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// Server is an AWS account behind one httptest server on 127.0.0.1: it
// answers the reader's calls from a snapshot in each service's own wire
// protocol (EC2's query XML, IAM's and STS's query XML, ECS's and ECR's
// JSON 1.1), shaped after the API reference's examples, and counts them.
type Server struct {
	acct *snapshot.Snapshot
	// Deny refuses these actions (UnauthorizedOperation on EC2,
	// AccessDenied on IAM, AccessDeniedException on ECS and ECR).
	Deny map[string]bool
	// Throttle answers the first n calls of an action with a throttling
	// error.
	Throttle map[string]int
	// Page is how many items an EC2 page holds (0: all); with EmptyFirst
	// every EC2 listing starts with an empty page that carries a token, as
	// EC2 may when filters apply.
	Page       int
	EmptyFirst bool
	// Latency delays every answer.
	Latency time.Duration

	mu    sync.Mutex
	calls map[string]int // by action, retries included
	srv   *httptest.Server
}

// New starts a server that answers as account acct; t closes it at the
// end of the test.
func New(t testing.TB, acct *snapshot.Snapshot) *Server {
	f := &Server{acct: acct, Deny: map[string]bool{}, Throttle: map[string]int{}, calls: map[string]int{}}
	f.srv = httptest.NewServer(f)
	t.Cleanup(f.srv.Close)
	return f
}

// URL is the server's address, for AWS_ENDPOINT_URL.
func (f *Server) URL() string { return f.srv.URL }

// Calls are the calls made so far, by action, retries included.
func (f *Server) Calls() map[string]int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return maps.Clone(f.calls)
}

// Config is an SDK config that sends every client to the fake, with
// static credentials and a standard retryer that does not wait.
func (f *Server) Config() aws.Config {
	return aws.Config{
		Region:       f.acct.Region,
		BaseEndpoint: aws.String(f.srv.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", "secret", ""),
		HTTPClient:   f.srv.Client(),
		Retryer: func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
				o.RateLimiter = ratelimit.None
			})
		},
	}
}

// Count is how many calls of action were made, retries included.
func (f *Server) Count(action string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls[action]
}

// ServeHTTP answers one call.
func (f *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if f.Latency > 0 {
		time.Sleep(f.Latency)
	}
	body, _ := io.ReadAll(r.Body)
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		prefix, op, _ := strings.Cut(target, ".")
		svc := map[string]string{"AmazonEC2ContainerServiceV20141113": "ecs", "AmazonEC2ContainerRegistry_V20150921": "ecr"}[prefix]
		f.json(w, svc+":"+op, body)
		return
	}
	form, _ := url.ParseQuery(string(body))
	svc := map[string]string{"2016-11-15": "ec2", "2010-05-08": "iam", "2011-06-15": "sts"}[form.Get("Version")]
	f.query(w, svc, form.Get("Action"), form)
}

// refuse answers a denied or throttled call; true when it did.
func (f *Server) refuse(action string, deny func(), throttle func()) bool {
	f.mu.Lock()
	f.calls[action]++
	denied, throttled := f.Deny[action], f.Throttle[action] > 0
	if throttled {
		f.Throttle[action]--
	}
	f.mu.Unlock()
	switch {
	case denied:
		deny()
	case throttled:
		throttle()
	default:
		return false
	}
	return true
}

// --- JSON 1.1 (ECS, ECR)

func (f *Server) json(w http.ResponseWriter, action string, body []byte) {
	jerr := func(status int, typ, msg string) {
		w.Header().Set("Content-Type", "application/x-amz-json-1.1")
		w.Header().Set("X-Amzn-ErrorType", typ)
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"__type":%q,"message":%q}`, typ, msg)
	}
	if f.refuse(action, func() {
		jerr(400, "AccessDeniedException", "User: arn:aws:sts::"+f.acct.Account+":assumed-role/reader/x is not authorized to perform: "+action)
	}, func() { jerr(400, "ThrottlingException", "Rate exceeded") }) {
		return
	}
	var in map[string]any
	_ = json.Unmarshal(body, &in)
	str := func(k string) string { s, _ := in[k].(string); return s }
	list := func(k string) []string {
		var out []string
		if xs, ok := in[k].([]any); ok {
			for _, x := range xs {
				s, _ := x.(string)
				out = append(out, s)
			}
		}
		return out
	}
	var out any
	a := f.acct
	switch action {
	case "ecs:ListClusters":
		arns := []string{}
		for _, c := range a.ECS.Clusters {
			arns = append(arns, c.ClusterArn)
		}
		out = map[string]any{"clusterArns": arns}
	case "ecs:DescribeClusters":
		cs, failures := []snapshot.Cluster{}, []any{}
		for _, name := range list("clusters") {
			i := slices.IndexFunc(a.ECS.Clusters, func(c snapshot.Cluster) bool { return c.ClusterArn == name || c.ClusterName == name })
			if i < 0 {
				failures = append(failures, map[string]any{"arn": "arn:aws:ecs:" + a.Region + ":" + a.Account + ":cluster/" + name, "reason": "MISSING"})
				continue
			}
			cs = append(cs, a.ECS.Clusters[i])
		}
		out = map[string]any{"clusters": cs, "failures": failures}
	case "ecs:ListServices":
		// maxResults a page (the API's default: 10)
		arns := []string{}
		for _, s := range a.ECS.Services {
			if s.ClusterArn == str("cluster") {
				arns = append(arns, s.ServiceArn)
			}
		}
		size := 10
		if n, ok := in["maxResults"].(float64); ok && n > 0 {
			size = int(n)
		}
		start, _ := strconv.Atoi(str("nextToken"))
		end := min(start+size, len(arns))
		res := map[string]any{"serviceArns": arns[min(start, end):end]}
		if end < len(arns) {
			res["nextToken"] = strconv.Itoa(end)
		}
		out = res
	case "ecs:DescribeServices":
		names := list("services")
		if len(names) > 10 {
			jerr(400, "InvalidParameterException", "services can have at most 10 items")
			return
		}
		var ss []snapshot.Service
		for _, s := range a.ECS.Services {
			if s.ClusterArn == str("cluster") && (slices.Contains(names, s.ServiceArn) || slices.Contains(names, s.ServiceName)) {
				s.StoppedTasks = nil // ListTasks and DescribeTasks answer them
				if slices.Contains(list("include"), "TAGS") {
					s.Tags = append(slices.Clone(s.Tags), snapshot.ServiceTag{Key: "owner", Value: "jane.doe@example.com"})
				} else {
					s.Tags = nil
				}
				ss = append(ss, s)
			}
		}
		out = map[string]any{"services": ss, "failures": []any{}}
	case "ecs:DescribeTaskDefinition":
		for _, t := range a.ECS.TaskDefinitions {
			if t.TaskDefinitionArn == str("taskDefinition") {
				// what the API adds and the snapshot must drop
				raw, _ := json.Marshal(t)
				var m map[string]any
				_ = json.Unmarshal(raw, &m)
				for _, c := range m["containerDefinitions"].([]any) {
					c.(map[string]any)["environment"] = []any{map[string]any{"name": "DB_PASSWORD", "value": "hunter2"}}
				}
				out = map[string]any{"taskDefinition": m}
			}
		}
		if out == nil {
			jerr(400, "ClientException", "Unable to describe task definition.")
			return
		}
	case "ecs:ListTasks", "ecs:DescribeTasks":
		res, msg := f.tasks(action, str, list, in)
		if msg != "" {
			jerr(400, "InvalidParameterException", msg)
			return
		}
		out = res
	case "ecr:DescribePullThroughCacheRules":
		out = map[string]any{"pullThroughCacheRules": a.ECR.PullThroughCacheRules}
	case "ecr:DescribeImages":
		ids, _ := in["imageIds"].([]any)
		id, _ := ids[0].(map[string]any)
		tag, _ := id["imageTag"].(string)
		digest, _ := id["imageDigest"].(string)
		known := false
		for _, im := range a.ECR.Images {
			if im.RepositoryName != str("repositoryName") {
				continue
			}
			known = true
			if (digest != "" && im.ImageDigest == digest) || (tag != "" && slices.Contains(im.ImageTags, tag)) {
				out = map[string]any{"imageDetails": []any{map[string]any{"registryId": im.RegistryId, "repositoryName": im.RepositoryName,
					"imageDigest": im.ImageDigest, "imageTags": im.ImageTags, "imagePushedAt": 1.7e9}}}
			}
		}
		if out == nil && !known {
			jerr(400, "RepositoryNotFoundException", "The repository with name '"+str("repositoryName")+"' does not exist in the registry with id '"+str("registryId")+"'")
			return
		}
		if out == nil {
			jerr(400, "ImageNotFoundException", fmt.Sprintf("The image with imageId {imageDigest:'%s', imageTag:'%s'} does not exist within the repository with name '%s' in the registry with id '%s'", digest, tag, str("repositoryName"), str("registryId")))
			return
		}
	default:
		jerr(400, "UnknownOperationException", action)
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(out)
}

// --- query protocols (EC2, IAM, STS)

// x is an XML element: x("name", children...) or x("name", "text").
type xe struct {
	name string
	text *string
	kids []xe
}

func x(name string, kids ...any) xe {
	e := xe{name: name}
	for _, k := range kids {
		switch v := k.(type) {
		case string:
			e.text = &v
		case *string:
			if v != nil {
				e.text = v
			}
		case bool:
			s := strconv.FormatBool(v)
			e.text = &s
		case int32:
			s := strconv.Itoa(int(v))
			e.text = &s
		case xe:
			e.kids = append(e.kids, v)
		case []xe:
			e.kids = append(e.kids, v...)
		}
	}
	return e
}

func (e xe) write(b *strings.Builder) {
	b.WriteString("<" + e.name + ">")
	if e.text != nil {
		_ = xml.EscapeText(b, []byte(*e.text))
	}
	for _, k := range e.kids {
		k.write(b)
	}
	b.WriteString("</" + e.name + ">")
}

// set is an EC2 list: <name><item>...</item>...</name>.
func set[T any](name string, items []T, item func(T) []xe) xe {
	e := x(name)
	for _, it := range items {
		e.kids = append(e.kids, x("item", item(it)))
	}
	return e
}

func ids(name string, vals []string) xe {
	return set(name, vals, func(v string) []xe { return nil }).withTexts(vals)
}

func (e xe) withTexts(vals []string) xe {
	for i := range e.kids {
		v := vals[i]
		e.kids[i].text = &v
	}
	return e
}

// opt leaves out an empty element, as the APIs do.
func opt(name, v string) []xe {
	if v == "" {
		return nil
	}
	return []xe{x(name, v)}
}

// tagSet is an EC2 tag list, with a tag no snapshot may keep besides.
func tagSet(tags []snapshot.Tag) xe {
	tags = append(slices.Clone(tags), snapshot.Tag{Key: "owner", Value: "jane.doe@example.com"})
	return set("tagSet", tags, func(t snapshot.Tag) []xe { return []xe{x("key", t.Key), x("value", t.Value)} })
}

func filterValues(form url.Values, name string) []string {
	var out []string
	for i := 1; i < 100; i++ {
		if form.Get(fmt.Sprintf("Filter.%d.Name", i)) == "" {
			break
		}
		if form.Get(fmt.Sprintf("Filter.%d.Name", i)) != name {
			continue
		}
		for j := 1; j < 1000; j++ {
			v := form.Get(fmt.Sprintf("Filter.%d.Value.%d", i, j))
			if v == "" {
				break
			}
			out = append(out, v)
		}
	}
	return out
}

func (f *Server) query(w http.ResponseWriter, svc, op string, form url.Values) {
	action := svc + ":" + op
	xmlOut := func(status int, e xe) {
		var b strings.Builder
		b.WriteString(xml.Header)
		e.write(&b)
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(status)
		io.WriteString(w, b.String())
	}
	ec2Err := func(status int, code, msg string) {
		xmlOut(status, x("Response", x("Errors", x("Error", x("Code", code), x("Message", msg))), x("RequestID", "59dbff89-35bd-4eac-99ed-be587EXAMPLE")))
	}
	queryErr := func(status int, code, msg string) {
		xmlOut(status, x("ErrorResponse", x("Error", x("Type", "Sender"), x("Code", code), x("Message", msg)), x("RequestId", "4a0a2b5c-example")))
	}
	if svc == "ec2" {
		if f.refuse(action, func() { ec2Err(403, "UnauthorizedOperation", "You are not authorized to perform this operation.") },
			func() { ec2Err(503, "RequestLimitExceeded", "Request limit exceeded.") }) {
			return
		}
		e, err := f.ec2(op, form)
		if err != "" {
			ec2Err(400, "InvalidParameterValue", err)
			return
		}
		e.kids = append([]xe{x("requestId", "59dbff89-35bd-4eac-99ed-be587EXAMPLE")}, e.kids...)
		xmlOut(200, e)
		return
	}
	if f.refuse(action, func() {
		queryErr(403, "AccessDenied", "User: arn:aws:sts::"+f.acct.Account+":assumed-role/reader/x is not authorized to perform: "+action)
	}, func() { queryErr(400, "Throttling", "Rate exceeded") }) {
		return
	}
	a := f.acct
	result := func(kids ...any) {
		xmlOut(200, x(op+"Response", x(op+"Result", kids...), x("ResponseMetadata", x("RequestId", "7a62c49f-347e-4fc4-9331-6e8eEXAMPLE"))))
	}
	role := func() *snapshot.Role {
		for i := range a.IAM.Roles {
			if a.IAM.Roles[i].RoleName == form.Get("RoleName") {
				return &a.IAM.Roles[i]
			}
		}
		return nil
	}
	members := func(name string, kids []xe) xe {
		e := x(name)
		for _, k := range kids {
			e.kids = append(e.kids, x("member", k.kids, k.text))
		}
		return e
	}
	switch action {
	case "sts:GetCallerIdentity":
		result(x("Arn", "arn:aws:sts::"+a.Account+":assumed-role/reader/x"), x("UserId", "AROAEXAMPLE:x"), x("Account", a.Account))
	case "iam:ListRolePolicies", "iam:GetRolePolicy", "iam:ListAttachedRolePolicies":
		ro := role()
		if ro == nil {
			queryErr(404, "NoSuchEntity", "The role with name "+form.Get("RoleName")+" cannot be found.")
			return
		}
		switch op {
		case "ListRolePolicies":
			var names []xe
			for _, p := range ro.RolePolicies {
				names = append(names, x("", p.PolicyName))
			}
			result(members("PolicyNames", names), x("IsTruncated", false))
		case "GetRolePolicy":
			for _, p := range ro.RolePolicies {
				if p.PolicyName == form.Get("PolicyName") {
					result(x("RoleName", ro.RoleName), x("PolicyName", p.PolicyName), x("PolicyDocument", iamEncode(p.PolicyDocument)))
					return
				}
			}
			queryErr(404, "NoSuchEntity", "The role policy with name "+form.Get("PolicyName")+" cannot be found.")
		default:
			// one page per policy, to page through markers
			i, _ := strconv.Atoi(form.Get("Marker"))
			var kids []xe
			if i < len(ro.AttachedPolicies) {
				p := ro.AttachedPolicies[i]
				kids = append(kids, x("", x("PolicyName", p.PolicyName), x("PolicyArn", p.PolicyArn)))
			}
			more := i+1 < len(ro.AttachedPolicies)
			res := []any{members("AttachedPolicies", kids), x("IsTruncated", more)}
			if more {
				res = append(res, x("Marker", strconv.Itoa(i+1)))
			}
			result(res...)
		}
	case "iam:GetPolicy", "iam:GetPolicyVersion":
		for _, p := range a.IAM.Policies {
			if p.Arn != form.Get("PolicyArn") {
				continue
			}
			if op == "GetPolicy" {
				result(x("Policy", x("PolicyName", p.PolicyName), x("Arn", p.Arn), x("DefaultVersionId", p.DefaultVersionId)))
			} else {
				result(x("PolicyVersion", x("Document", iamEncode(p.Document)), x("VersionId", p.DefaultVersionId), x("IsDefaultVersion", true)))
			}
			return
		}
		queryErr(404, "NoSuchEntity", "Policy "+form.Get("PolicyArn")+" was not found.")
	default:
		queryErr(400, "InvalidAction", action)
	}
}

// ec2 answers one EC2 call, paging its list: the first page is empty and
// carries a token, then f.Page items a page.
func (f *Server) ec2(op string, form url.Values) (xe, string) {
	e := &f.acct.EC2
	vpcIDs := filterValues(form, "vpc-id")
	inVPC := func(id string) bool { return slices.Contains(vpcIDs, id) }
	var items []xe
	var listName string
	switch op {
	case "DescribeVpcAttribute":
		for _, v := range e.Vpcs {
			if v.VpcId != form.Get("VpcId") {
				continue
			}
			val := v.EnableDnsSupport
			if form.Get("Attribute") == "enableDnsHostnames" {
				val = v.EnableDnsHostnames
			}
			return x(op+"Response", x("vpcId", v.VpcId), x(form.Get("Attribute"), x("value", aws.ToBool(val)))), ""
		}
		return xe{}, "no VPC " + form.Get("VpcId")
	case "DescribeVpcs":
		listName = "vpcSet"
		for _, v := range e.Vpcs {
			if inVPC(v.VpcId) {
				items = append(items, x("item", x("vpcId", v.VpcId), x("cidrBlock", v.CidrBlock), x("state", "available"), opt("dhcpOptionsId", v.DhcpOptionsId), opt("ownerId", v.OwnerId), tagSet(v.Tags),
					set("cidrBlockAssociationSet", v.CidrBlockAssociationSet, func(a snapshot.CidrBlockAssociation) []xe {
						return []xe{x("cidrBlock", a.CidrBlock), x("cidrBlockState", x("state", "associated"))}
					})))
			}
		}
	case "DescribeDhcpOptions":
		listName = "dhcpOptionsSet"
		for _, o := range e.DhcpOptions {
			if slices.Contains(filterValues(form, "dhcp-options-id"), o.DhcpOptionsId) {
				items = append(items, x("item", x("dhcpOptionsId", o.DhcpOptionsId), set("dhcpConfigurationSet", o.DhcpConfigurations, func(c snapshot.DhcpConfiguration) []xe {
					return []xe{x("key", c.Key), set("valueSet", c.Values, func(v snapshot.AttributeValue) []xe { return []xe{x("value", v.Value)} })}
				})))
			}
		}
	case "DescribeSubnets":
		listName = "subnetSet"
		for _, s := range e.Subnets {
			if inVPC(s.VpcId) || slices.Contains(filterValues(form, "subnet-id"), s.SubnetId) {
				items = append(items, x("item", x("subnetId", s.SubnetId), x("vpcId", s.VpcId), x("cidrBlock", s.CidrBlock), x("state", "available"),
					opt("availabilityZone", s.AvailabilityZone), x("mapPublicIpOnLaunch", s.MapPublicIpOnLaunch)))
			}
		}
	case "DescribeRouteTables":
		listName = "routeTableSet"
		for _, rt := range e.RouteTables {
			if inVPC(rt.VpcId) {
				items = append(items, x("item", x("routeTableId", rt.RouteTableId), x("vpcId", rt.VpcId), tagSet(rt.Tags),
					set("associationSet", rt.Associations, func(a snapshot.RouteAssociation) []xe {
						return append([]xe{x("main", a.Main), x("routeTableId", rt.RouteTableId)}, opt("subnetId", a.SubnetId)...)
					}),
					set("routeSet", rt.Routes, func(r snapshot.Route) []xe {
						return slices.Concat(opt("destinationCidrBlock", r.DestinationCidrBlock), opt("destinationIpv6CidrBlock", r.DestinationIpv6CidrBlock),
							opt("destinationPrefixListId", r.DestinationPrefixListId), opt("gatewayId", r.GatewayId), opt("natGatewayId", r.NatGatewayId),
							opt("transitGatewayId", r.TransitGatewayId), opt("vpcPeeringConnectionId", r.VpcPeeringConnectionId),
							opt("networkInterfaceId", r.NetworkInterfaceId), opt("instanceId", r.InstanceId), opt("state", r.State))
					})))
			}
		}
	case "DescribeNatGateways":
		listName = "natGatewaySet"
		for _, n := range e.NatGateways {
			if inVPC(n.VpcId) {
				items = append(items, x("item", x("natGatewayId", n.NatGatewayId), x("subnetId", n.SubnetId), x("vpcId", n.VpcId), opt("state", n.State), opt("connectivityType", n.ConnectivityType)))
			}
		}
	case "DescribeInternetGateways":
		listName = "internetGatewaySet"
		for _, g := range e.InternetGateways {
			if slices.ContainsFunc(g.Attachments, func(a snapshot.Attachment) bool {
				return slices.Contains(filterValues(form, "attachment.vpc-id"), a.VpcId)
			}) {
				items = append(items, x("item", x("internetGatewayId", g.InternetGatewayId), set("attachmentSet", g.Attachments, func(a snapshot.Attachment) []xe {
					return []xe{x("vpcId", a.VpcId), x("state", "available")}
				})))
			}
		}
	case "DescribeVpcEndpoints":
		listName = "vpcEndpointSet"
		for _, v := range e.VpcEndpoints {
			if inVPC(v.VpcId) {
				// EC2 sends the state in lowercase ("available"), unlike the SDK's constants
				items = append(items, x("item", x("vpcEndpointId", v.VpcEndpointId), x("vpcEndpointType", v.VpcEndpointType), x("vpcId", v.VpcId),
					x("serviceName", v.ServiceName), x("state", strings.ToLower(v.State)), opt("policyDocument", v.PolicyDocument),
					ids("routeTableIdSet", v.RouteTableIds), ids("subnetIdSet", v.SubnetIds),
					set("groupSet", v.Groups, func(g snapshot.SecurityGroupIdentifier) []xe {
						return []xe{x("groupId", g.GroupId), x("groupName", g.GroupName)}
					}),
					x("privateDnsEnabled", v.PrivateDnsEnabled), tagSet(v.Tags)))
			}
		}
	case "DescribeSecurityGroups":
		listName = "securityGroupInfo"
		for _, g := range e.SecurityGroups {
			if inVPC(g.VpcId) {
				items = append(items, x("item", x("groupId", g.GroupId), x("groupName", g.GroupName), x("vpcId", g.VpcId), opt("ownerId", g.OwnerId), tagSet(g.Tags)))
			}
		}
	case "DescribeSecurityGroupRules":
		listName = "securityGroupRuleSet"
		for _, r := range e.SecurityGroupRules {
			if slices.Contains(filterValues(form, "group-id"), r.GroupId) {
				var ref []xe
				if r.ReferencedGroupInfo != nil {
					ref = []xe{x("referencedGroupInfo", x("groupId", r.ReferencedGroupInfo.GroupId), opt("userId", r.ReferencedGroupInfo.UserId))}
				}
				items = append(items, x("item", x("securityGroupRuleId", r.SecurityGroupRuleId), x("groupId", r.GroupId), x("isEgress", r.IsEgress),
					x("ipProtocol", r.IpProtocol), x("fromPort", r.FromPort), x("toPort", r.ToPort), opt("cidrIpv4", r.CidrIpv4), opt("cidrIpv6", r.CidrIpv6),
					opt("prefixListId", r.PrefixListId), ref))
			}
		}
	case "DescribeNetworkAcls":
		listName = "networkAclSet"
		for _, n := range e.NetworkAcls {
			if inVPC(n.VpcId) {
				items = append(items, x("item", x("networkAclId", n.NetworkAclId), x("vpcId", n.VpcId), x("default", n.IsDefault), tagSet(n.Tags),
					set("entrySet", n.Entries, func(en snapshot.NetworkAclEntry) []xe {
						out := []xe{x("ruleNumber", en.RuleNumber), x("protocol", en.Protocol), x("ruleAction", en.RuleAction), x("egress", en.Egress), x("cidrBlock", en.CidrBlock)}
						if en.PortRange != nil {
							out = append(out, x("portRange", x("from", en.PortRange.From), x("to", en.PortRange.To)))
						}
						return out
					}),
					set("associationSet", n.Associations, func(a snapshot.NetworkAclAssociation) []xe {
						return []xe{x("networkAclId", n.NetworkAclId), x("subnetId", a.SubnetId)}
					})))
			}
		}
	case "DescribeManagedPrefixLists":
		listName = "prefixListSet"
		for _, p := range e.PrefixLists {
			items = append(items, x("item", x("prefixListId", p.PrefixListId), x("prefixListName", p.PrefixListName), x("addressFamily", "IPv4"), x("ownerId", "AWS")))
		}
	case "GetManagedPrefixListEntries":
		listName = "entrySet"
		for _, p := range e.PrefixLists {
			if p.PrefixListId == form.Get("PrefixListId") {
				for _, en := range p.Entries {
					items = append(items, x("item", x("cidr", en.Cidr)))
				}
			}
		}
	default:
		return xe{}, "unknown operation " + op
	}
	// the first page may be empty, with a token; then f.Page items a page
	tok := form.Get("NextToken")
	if tok == "" && f.EmptyFirst {
		return x(op+"Response", x(listName), x("nextToken", "p0")), ""
	}
	start, _ := strconv.Atoi(strings.TrimPrefix(tok, "p"))
	end := len(items)
	if f.Page > 0 && start+f.Page < end {
		end = start + f.Page
	}
	out := x(op+"Response", x(listName, items[min(start, len(items)):end]))
	if end < len(items) {
		out.kids = append(out.kids, x("nextToken", "p"+strconv.Itoa(end)))
	}
	return out, ""
}

// iamEncode URL-encodes a policy document as IAM sends it (a fixture may
// hold it encoded already).
func iamEncode(doc string) string {
	if dec, err := url.QueryUnescape(doc); err == nil && strings.HasPrefix(doc, "%") {
		doc = dec
	}
	return strings.ReplaceAll(url.QueryEscape(doc), "+", "%20")
}
