// Package aws reads a deployed account, read-only, with the AWS SDK for Go
// v2, into a snapshot (package snapshot), which the snapshot reader maps
// into the pull-path model: the same rules then judge the live account as
// they judge templates.
//
// It calls only the operations of Operations (Describe*, List*, Get* and
// sts:GetCallerIdentity), batched (DescribeServices 10 at a time, each task
// definition and each role once, each VPC's pieces in one call per kind for
// all VPCs), at most Options.Concurrency at a time, with the SDK's standard
// retryer for throttling. A read the account refuses (EC2
// UnauthorizedOperation, AccessDenied elsewhere) becomes a snapshot.Denied:
// an unknown naming the missing action, never an error.
package aws

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/ecr"
	ecrtypes "github.com/aws/aws-sdk-go-v2/service/ecr/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	ecstypes "github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/privatepull/privatepull/constructs/pullpath"
	"github.com/privatepull/privatepull/constructs/pullpath/aws/snapshot"
)

// DefaultConcurrency is how many calls are in flight at most by default.
const DefaultConcurrency = 16

// maxPages bounds every pagination loop.
const maxPages = 1000

// Options narrow and tune Read.
type Options struct {
	// Clusters are cluster names or ARNs. Default: every cluster of the region.
	Clusters []string
	// Services are service names. Default: every service of the clusters.
	Services []string
	// Concurrency is how many calls are in flight at most.
	// Default: DefaultConcurrency.
	Concurrency int
	// Now stamps the snapshot. Default: time.Now.
	Now func() time.Time
	// Stopped is how many stopped tasks to read per service (the newest
	// ECS lists); 0 reads none.
	Stopped int
}

// reader is one read of an account.
type reader struct {
	cfg    aws.Config
	opts   Options
	ec2    *ec2.Client
	ecs    *ecs.Client
	iam    *iam.Client
	ecr    *ecr.Client
	sts    *sts.Client
	sem    chan struct{}
	calls  atomic.Int64
	mu     sync.Mutex
	s      *snapshot.Snapshot
	failed []error
}

// Read reads the account and region of cfg into a snapshot. The error is
// for what stops the read (no credentials, the network, an API error other
// than a refusal); refused reads are in the snapshot's Denied.
func Read(ctx context.Context, cfg aws.Config, opts Options) (*snapshot.Snapshot, error) {
	if cfg.Region == "" {
		return nil, errors.New("no region: set AWS_REGION or pass -region")
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = DefaultConcurrency
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := &reader{cfg: cfg, opts: opts, ec2: ec2.NewFromConfig(cfg), ecs: ecs.NewFromConfig(cfg), iam: iam.NewFromConfig(cfg),
		ecr: ecr.NewFromConfig(cfg), sts: sts.NewFromConfig(cfg), sem: make(chan struct{}, opts.Concurrency),
		s: &snapshot.Snapshot{PullcheckSnapshot: snapshot.Version, Region: cfg.Region, ReadAt: opts.Now().UTC().Format(time.RFC3339)}}
	if err := r.call(ctx, "sts:GetCallerIdentity", "", "the account's identifiers", func(ctx context.Context) error {
		out, err := r.sts.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err == nil {
			r.s.Account = aws.ToString(out.Account)
		}
		return err
	}); err != nil {
		return nil, err
	}
	if r.s.Account == "" {
		return nil, errors.New("sts:GetCallerIdentity: the account is unknown (the call was denied)")
	}
	r.readECS(ctx)
	if len(r.failed) == 0 {
		attach := func() {}
		parallel(func() { r.readEC2(ctx) }, func() { r.readIAM(ctx) }, func() { r.readECR(ctx) }, func() { attach = r.readStopped(ctx) })
		attach()
	}
	if len(r.failed) > 0 {
		return nil, errors.Join(r.failed...)
	}
	slices.SortFunc(r.s.Denied, func(a, b snapshot.Denied) int { return strings.Compare(a.Action+a.On, b.Action+b.On) })
	return r.s, nil
}

// parallel runs fns at once and waits for them.
func parallel(fns ...func()) {
	var wg sync.WaitGroup
	for _, fn := range fns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn()
		}()
	}
	wg.Wait()
}

// each runs fn for every item at once (the semaphore bounds the calls).
func each[T any](items []T, fn func(T)) {
	var wg sync.WaitGroup
	for _, it := range items {
		wg.Add(1)
		go func() {
			defer wg.Done()
			fn(it)
		}()
	}
	wg.Wait()
}

// IsDenied says whether err is the account refusing a read.
func IsDenied(err error) bool {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return false
	}
	switch ae.ErrorCode() {
	case "UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "UnauthorizedException":
		return true
	}
	return false
}

// code is the API error code of err, or "".
func code(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// call makes one call of action, one of Operations, within the concurrency
// bound. A refusal is recorded as Denied (what: the pieces it hides, about
// on) and returned, for the caller to stop there; any other error stops
// the read.
func (r *reader) call(ctx context.Context, action, on, what string, fn func(context.Context) error) error {
	if !known(action) {
		panic("pullpath/aws: " + action + " is not in Operations")
	}
	select {
	case r.sem <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	r.calls.Add(1)
	err := fn(ctx)
	<-r.sem
	if err == nil {
		return nil
	}
	if IsDenied(err) {
		r.deny(action, on, what)
		return err
	}
	return err
}

func (r *reader) deny(action, on, what string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	d := snapshot.Denied{Action: action, On: on, What: what}
	if !slices.Contains(r.s.Denied, d) {
		r.s.Denied = append(r.s.Denied, d)
	}
}

// fail records an error that stops the read, unless it is a refusal.
func (r *reader) fail(action string, err error) {
	if err == nil || IsDenied(err) {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.failed = append(r.failed, fmt.Errorf("%s: %w", action, err))
}

// locked runs fn holding the snapshot's lock.
func (r *reader) locked(fn func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	fn()
}

// pages calls fetch with each page's token until no token comes back.
// EC2 may answer an empty page with a token: only the token ends the loop.
func pages(fetch func(token *string) (*string, error)) error {
	var token *string
	for range maxPages {
		next, err := fetch(token)
		if err != nil {
			return err
		}
		if aws.ToString(next) == "" {
			return nil
		}
		token = next
	}
	return errors.New("more than 1000 pages")
}

func chunks[T any](xs []T, n int) [][]T {
	var out [][]T
	for len(xs) > n {
		out = append(out, xs[:n])
		xs = xs[n:]
	}
	if len(xs) > 0 {
		out = append(out, xs)
	}
	return out
}

func lastPart(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// readECS reads the clusters, their services and the task definitions of
// the services' PRIMARY deployments.
func (r *reader) readECS(ctx context.Context) {
	clusters := r.opts.Clusters
	if len(clusters) == 0 {
		err := pages(func(token *string) (*string, error) {
			var next *string
			err := r.call(ctx, "ecs:ListClusters", "", "the clusters", func(ctx context.Context) error {
				out, err := r.ecs.ListClusters(ctx, &ecs.ListClustersInput{NextToken: token, MaxResults: aws.Int32(100)})
				if err == nil {
					clusters = append(clusters, out.ClusterArns...)
					next = out.NextToken
				}
				return err
			})
			return next, err
		})
		r.fail("ecs:ListClusters", err)
		if err != nil {
			return
		}
	}
	var arns []string
	for _, batch := range chunks(clusters, 100) {
		err := r.call(ctx, "ecs:DescribeClusters", "", "the clusters' default capacity provider strategies", func(ctx context.Context) error {
			out, err := r.ecs.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: batch})
			if err != nil {
				return err
			}
			for _, f := range out.Failures {
				r.fail("ecs:DescribeClusters", fmt.Errorf("cluster %s: %s", aws.ToString(f.Arn), strings.ToLower(aws.ToString(f.Reason))))
			}
			for _, c := range out.Clusters {
				x := snapshot.Cluster{ClusterArn: aws.ToString(c.ClusterArn), ClusterName: aws.ToString(c.ClusterName), DefaultCapacityProviderStrategy: strategy(c.DefaultCapacityProviderStrategy)}
				r.s.ECS.Clusters = append(r.s.ECS.Clusters, x)
				arns = append(arns, x.ClusterArn)
			}
			return nil
		})
		r.fail("ecs:DescribeClusters", err)
		if IsDenied(err) {
			arns = append(arns, batch...) // read the services all the same
		}
	}
	each(arns, func(cluster string) { r.readServices(ctx, cluster) })
	for _, name := range r.opts.Services {
		if !slices.ContainsFunc(r.s.ECS.Services, func(s snapshot.Service) bool { return s.ServiceName == name || s.ServiceArn == name }) && len(r.s.Denied) == 0 {
			r.fail("ecs:DescribeServices", fmt.Errorf("service %s: not found in the clusters read", name))
		}
	}
	var tds []string
	for _, s := range r.s.ECS.Services {
		if td := s.Primary().TaskDefinition; td != "" && !slices.Contains(tds, td) {
			tds = append(tds, td)
		}
	}
	slices.Sort(tds)
	r.s.ECS.TaskDefinitions = make([]snapshot.TaskDefinition, 0, len(tds))
	each(tds, func(td string) {
		var x *snapshot.TaskDefinition
		err := r.call(ctx, "ecs:DescribeTaskDefinition", td, "the containers and execution role of task definition "+td, func(ctx context.Context) error {
			out, err := r.ecs.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(td)})
			if err == nil && out.TaskDefinition != nil {
				x = taskDefinition(out.TaskDefinition)
			}
			return err
		})
		r.fail("ecs:DescribeTaskDefinition", err)
		if x != nil {
			r.locked(func() { r.s.ECS.TaskDefinitions = append(r.s.ECS.TaskDefinitions, *x) })
		}
	})
	slices.SortFunc(r.s.ECS.TaskDefinitions, func(a, b snapshot.TaskDefinition) int {
		return strings.Compare(a.TaskDefinitionArn, b.TaskDefinitionArn)
	})
	slices.SortFunc(r.s.ECS.Services, func(a, b snapshot.Service) int { return strings.Compare(a.ServiceArn, b.ServiceArn) })
	slices.SortFunc(r.s.ECS.Clusters, func(a, b snapshot.Cluster) int { return strings.Compare(a.ClusterArn, b.ClusterArn) })
}

// readServices reads the services of one cluster: those named, else all.
func (r *reader) readServices(ctx context.Context, cluster string) {
	names := r.opts.Services
	if len(names) == 0 {
		err := pages(func(token *string) (*string, error) {
			var next *string
			err := r.call(ctx, "ecs:ListServices", cluster, "the services of cluster "+lastPart(cluster), func(ctx context.Context) error {
				out, err := r.ecs.ListServices(ctx, &ecs.ListServicesInput{Cluster: aws.String(cluster), NextToken: token, MaxResults: aws.Int32(100)})
				if err == nil {
					names = append(names, out.ServiceArns...)
					next = out.NextToken
				}
				return err
			})
			return next, err
		})
		r.fail("ecs:ListServices", err)
		if err != nil {
			return
		}
	}
	each(chunks(names, 10), func(batch []string) {
		err := r.call(ctx, "ecs:DescribeServices", cluster, "the services of cluster "+lastPart(cluster), func(ctx context.Context) error {
			out, err := r.ecs.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: batch, Include: []ecstypes.ServiceField{ecstypes.ServiceFieldTags}})
			if err != nil {
				return err
			}
			r.locked(func() {
				for _, s := range out.Services {
					if aws.ToString(s.Status) == "INACTIVE" {
						continue
					}
					r.s.ECS.Services = append(r.s.ECS.Services, service(s))
				}
			})
			return nil
		})
		r.fail("ecs:DescribeServices", err)
	})
}

func strategy(items []ecstypes.CapacityProviderStrategyItem) []snapshot.CapacityProviderItem {
	var out []snapshot.CapacityProviderItem
	for _, p := range items {
		out = append(out, snapshot.CapacityProviderItem{CapacityProvider: aws.ToString(p.CapacityProvider), Weight: p.Weight, Base: p.Base})
	}
	return out
}

func network(nc *ecstypes.NetworkConfiguration) *snapshot.NetworkConfiguration {
	if nc == nil || nc.AwsvpcConfiguration == nil {
		return nil
	}
	a := nc.AwsvpcConfiguration
	return &snapshot.NetworkConfiguration{AwsvpcConfiguration: &snapshot.AwsvpcConfiguration{Subnets: a.Subnets, SecurityGroups: a.SecurityGroups, AssignPublicIp: string(a.AssignPublicIp)}}
}

func service(s ecstypes.Service) snapshot.Service {
	x := snapshot.Service{ServiceArn: aws.ToString(s.ServiceArn), ServiceName: aws.ToString(s.ServiceName), ClusterArn: aws.ToString(s.ClusterArn),
		LaunchType: string(s.LaunchType), CapacityProviderStrategy: strategy(s.CapacityProviderStrategy), TaskDefinition: aws.ToString(s.TaskDefinition),
		NetworkConfiguration: network(s.NetworkConfiguration), EnableExecuteCommand: s.EnableExecuteCommand}
	for _, t := range s.Tags {
		if snapshot.CloudFormationTag(aws.ToString(t.Key)) {
			x.Tags = append(x.Tags, snapshot.ServiceTag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
		}
	}
	for _, d := range s.Deployments {
		x.Deployments = append(x.Deployments, snapshot.Deployment{ID: aws.ToString(d.Id), Status: aws.ToString(d.Status), TaskDefinition: aws.ToString(d.TaskDefinition),
			LaunchType: string(d.LaunchType), CapacityProviderStrategy: strategy(d.CapacityProviderStrategy), NetworkConfiguration: network(d.NetworkConfiguration)})
	}
	return x
}

// taskDefinition keeps what the path needs; environment values are never
// copied.
func taskDefinition(t *ecstypes.TaskDefinition) *snapshot.TaskDefinition {
	x := &snapshot.TaskDefinition{TaskDefinitionArn: aws.ToString(t.TaskDefinitionArn), Family: aws.ToString(t.Family), Revision: t.Revision,
		NetworkMode: string(t.NetworkMode), ExecutionRoleArn: aws.ToString(t.ExecutionRoleArn), ContainerDefinitions: []snapshot.ContainerDefinition{}}
	for _, c := range t.ContainerDefinitions {
		cd := snapshot.ContainerDefinition{Name: aws.ToString(c.Name), Image: aws.ToString(c.Image)}
		if lc := c.LogConfiguration; lc != nil {
			cd.LogConfiguration = &snapshot.LogConfiguration{LogDriver: string(lc.LogDriver), Options: lc.Options}
		}
		for _, sec := range c.Secrets {
			cd.Secrets = append(cd.Secrets, snapshot.ContainerSecret{Name: aws.ToString(sec.Name), ValueFrom: aws.ToString(sec.ValueFrom)})
		}
		x.ContainerDefinitions = append(x.ContainerDefinitions, cd)
	}
	return x
}

func filter(name string, values ...string) []ec2types.Filter {
	return []ec2types.Filter{{Name: aws.String(name), Values: values}}
}

// readEC2 reads the task subnets, then every piece of their VPCs, one call
// per kind for all the VPCs.
func (r *reader) readEC2(ctx context.Context) {
	var subnetIDs, groupIDs []string
	for _, s := range r.s.ECS.Services {
		if nc := s.Primary().NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
			for _, id := range nc.AwsvpcConfiguration.Subnets {
				if !slices.Contains(subnetIDs, id) {
					subnetIDs = append(subnetIDs, id)
				}
			}
			for _, id := range nc.AwsvpcConfiguration.SecurityGroups {
				if !slices.Contains(groupIDs, id) {
					groupIDs = append(groupIDs, id)
				}
			}
		}
	}
	if len(subnetIDs) == 0 {
		return
	}
	var vpcIDs []string
	for _, batch := range chunks(subnetIDs, 200) {
		err := pages(func(token *string) (*string, error) {
			var next *string
			err := r.call(ctx, "ec2:DescribeSubnets", "", "the task subnets", func(ctx context.Context) error {
				out, err := r.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: filter("subnet-id", batch...), NextToken: token})
				if err == nil {
					for _, sn := range out.Subnets {
						if id := aws.ToString(sn.VpcId); !slices.Contains(vpcIDs, id) {
							vpcIDs = append(vpcIDs, id)
						}
					}
					next = out.NextToken
				}
				return err
			})
			return next, err
		})
		r.fail("ec2:DescribeSubnets", err)
	}
	if len(vpcIDs) == 0 {
		return
	}
	slices.Sort(vpcIDs)
	e := &r.s.EC2
	vpcs := func(what string) string { return what + " of VPC " + strings.Join(vpcIDs, ", ") }
	on := "" // a refusal about several VPCs is about all of them
	if len(vpcIDs) == 1 {
		on = vpcIDs[0]
	}
	var groups []string
	var lists []snapshot.PrefixList
	parallel(
		func() {
			ec2List(ctx, r, "ec2:DescribeVpcs", on, vpcs("the blocks and DHCP options"), func(token *string) (*ec2.DescribeVpcsOutput, error) {
				return r.ec2.DescribeVpcs(ctx, &ec2.DescribeVpcsInput{Filters: filter("vpc-id", vpcIDs...), NextToken: token})
			},
				func(out *ec2.DescribeVpcsOutput) *string {
					for _, v := range out.Vpcs {
						x := snapshot.Vpc{VpcId: aws.ToString(v.VpcId), CidrBlock: aws.ToString(v.CidrBlock), DhcpOptionsId: aws.ToString(v.DhcpOptionsId), OwnerId: aws.ToString(v.OwnerId), Tags: cfnTags(v.Tags)}
						for _, a := range v.CidrBlockAssociationSet {
							ca := snapshot.CidrBlockAssociation{CidrBlock: aws.ToString(a.CidrBlock)}
							if a.CidrBlockState != nil {
								ca.CidrBlockState = &snapshot.CidrBlockState{State: string(a.CidrBlockState.State)}
							}
							x.CidrBlockAssociationSet = append(x.CidrBlockAssociationSet, ca)
						}
						e.Vpcs = append(e.Vpcs, x)
					}
					return out.NextToken
				})
			r.readVPCDetails(ctx)
		},
		func() {
			ec2List(ctx, r, "ec2:DescribeSubnets", on, vpcs("the subnets"), func(token *string) (*ec2.DescribeSubnetsOutput, error) {
				return r.ec2.DescribeSubnets(ctx, &ec2.DescribeSubnetsInput{Filters: filter("vpc-id", vpcIDs...), NextToken: token})
			},
				func(out *ec2.DescribeSubnetsOutput) *string {
					for _, sn := range out.Subnets {
						e.Subnets = append(e.Subnets, snapshot.Subnet{SubnetId: aws.ToString(sn.SubnetId), VpcId: aws.ToString(sn.VpcId), CidrBlock: aws.ToString(sn.CidrBlock),
							AvailabilityZone: aws.ToString(sn.AvailabilityZone), MapPublicIpOnLaunch: aws.ToBool(sn.MapPublicIpOnLaunch)})
					}
					return out.NextToken
				})
		},
		func() {
			ec2List(ctx, r, "ec2:DescribeRouteTables", on, vpcs("the route tables"), func(token *string) (*ec2.DescribeRouteTablesOutput, error) {
				return r.ec2.DescribeRouteTables(ctx, &ec2.DescribeRouteTablesInput{Filters: filter("vpc-id", vpcIDs...), NextToken: token})
			},
				func(out *ec2.DescribeRouteTablesOutput) *string {
					for _, rt := range out.RouteTables {
						e.RouteTables = append(e.RouteTables, routeTable(rt))
					}
					return out.NextToken
				})
		},
		func() {
			ec2List(ctx, r, "ec2:DescribeNatGateways", on, vpcs("the NAT gateways"), func(token *string) (*ec2.DescribeNatGatewaysOutput, error) {
				return r.ec2.DescribeNatGateways(ctx, &ec2.DescribeNatGatewaysInput{Filter: filter("vpc-id", vpcIDs...), NextToken: token})
			},
				func(out *ec2.DescribeNatGatewaysOutput) *string {
					for _, n := range out.NatGateways {
						e.NatGateways = append(e.NatGateways, snapshot.NatGateway{NatGatewayId: aws.ToString(n.NatGatewayId), SubnetId: aws.ToString(n.SubnetId),
							VpcId: aws.ToString(n.VpcId), State: string(n.State), ConnectivityType: string(n.ConnectivityType)})
					}
					return out.NextToken
				})
		},
		func() {
			ec2List(ctx, r, "ec2:DescribeInternetGateways", on, vpcs("the internet gateways"), func(token *string) (*ec2.DescribeInternetGatewaysOutput, error) {
				return r.ec2.DescribeInternetGateways(ctx, &ec2.DescribeInternetGatewaysInput{Filters: filter("attachment.vpc-id", vpcIDs...), NextToken: token})
			},
				func(out *ec2.DescribeInternetGatewaysOutput) *string {
					for _, g := range out.InternetGateways {
						x := snapshot.InternetGateway{InternetGatewayId: aws.ToString(g.InternetGatewayId)}
						for _, a := range g.Attachments {
							x.Attachments = append(x.Attachments, snapshot.Attachment{VpcId: aws.ToString(a.VpcId), State: string(a.State)})
						}
						e.InternetGateways = append(e.InternetGateways, x)
					}
					return out.NextToken
				})
		},
		func() {
			ec2List(ctx, r, "ec2:DescribeVpcEndpoints", on, vpcs("the VPC endpoints"), func(token *string) (*ec2.DescribeVpcEndpointsOutput, error) {
				return r.ec2.DescribeVpcEndpoints(ctx, &ec2.DescribeVpcEndpointsInput{Filters: filter("vpc-id", vpcIDs...), NextToken: token})
			},
				func(out *ec2.DescribeVpcEndpointsOutput) *string {
					for _, v := range out.VpcEndpoints {
						x := snapshot.VpcEndpoint{VpcEndpointId: aws.ToString(v.VpcEndpointId), VpcEndpointType: string(v.VpcEndpointType), VpcId: aws.ToString(v.VpcId),
							ServiceName: aws.ToString(v.ServiceName), State: string(v.State), PolicyDocument: aws.ToString(v.PolicyDocument),
							RouteTableIds: v.RouteTableIds, SubnetIds: v.SubnetIds, PrivateDnsEnabled: aws.ToBool(v.PrivateDnsEnabled), Tags: cfnTags(v.Tags)}
						for _, g := range v.Groups {
							x.Groups = append(x.Groups, snapshot.SecurityGroupIdentifier{GroupId: aws.ToString(g.GroupId), GroupName: aws.ToString(g.GroupName)})
						}
						e.VpcEndpoints = append(e.VpcEndpoints, x)
					}
					return out.NextToken
				})
		},
		func() {
			ec2List(ctx, r, "ec2:DescribeNetworkAcls", on, vpcs("the network ACLs"), func(token *string) (*ec2.DescribeNetworkAclsOutput, error) {
				return r.ec2.DescribeNetworkAcls(ctx, &ec2.DescribeNetworkAclsInput{Filters: filter("vpc-id", vpcIDs...), NextToken: token})
			},
				func(out *ec2.DescribeNetworkAclsOutput) *string {
					for _, a := range out.NetworkAcls {
						x := snapshot.NetworkAcl{NetworkAclId: aws.ToString(a.NetworkAclId), VpcId: aws.ToString(a.VpcId), IsDefault: aws.ToBool(a.IsDefault), Entries: []snapshot.NetworkAclEntry{}, Tags: cfnTags(a.Tags)}
						for _, en := range a.Entries {
							y := snapshot.NetworkAclEntry{RuleNumber: aws.ToInt32(en.RuleNumber), Egress: aws.ToBool(en.Egress), Protocol: aws.ToString(en.Protocol),
								RuleAction: string(en.RuleAction), CidrBlock: aws.ToString(en.CidrBlock)}
							if en.PortRange != nil {
								y.PortRange = &snapshot.PortRange{From: aws.ToInt32(en.PortRange.From), To: aws.ToInt32(en.PortRange.To)}
							}
							x.Entries = append(x.Entries, y)
						}
						for _, as := range a.Associations {
							x.Associations = append(x.Associations, snapshot.NetworkAclAssociation{SubnetId: aws.ToString(as.SubnetId)})
						}
						e.NetworkAcls = append(e.NetworkAcls, x)
					}
					return out.NextToken
				})
		},
		func() {
			ec2List(ctx, r, "ec2:DescribeSecurityGroups", on, vpcs("the security groups"), func(token *string) (*ec2.DescribeSecurityGroupsOutput, error) {
				return r.ec2.DescribeSecurityGroups(ctx, &ec2.DescribeSecurityGroupsInput{Filters: filter("vpc-id", vpcIDs...), NextToken: token})
			},
				func(out *ec2.DescribeSecurityGroupsOutput) *string {
					for _, g := range out.SecurityGroups {
						e.SecurityGroups = append(e.SecurityGroups, snapshot.SecurityGroup{GroupId: aws.ToString(g.GroupId), GroupName: aws.ToString(g.GroupName),
							VpcId: aws.ToString(g.VpcId), OwnerId: aws.ToString(g.OwnerId), Tags: cfnTags(g.Tags)})
						groups = append(groups, aws.ToString(g.GroupId))
					}
					return out.NextToken
				})
			for _, batch := range chunks(groups, 200) {
				ec2List(ctx, r, "ec2:DescribeSecurityGroupRules", "", "the rules of the security groups of VPC "+strings.Join(vpcIDs, ", "), func(token *string) (*ec2.DescribeSecurityGroupRulesOutput, error) {
					return r.ec2.DescribeSecurityGroupRules(ctx, &ec2.DescribeSecurityGroupRulesInput{Filters: filter("group-id", batch...), NextToken: token})
				},
					func(out *ec2.DescribeSecurityGroupRulesOutput) *string {
						for _, g := range out.SecurityGroupRules {
							e.SecurityGroupRules = append(e.SecurityGroupRules, sgRule(g))
						}
						return out.NextToken
					})
			}
		},
		func() {
			ec2List(ctx, r, "ec2:DescribeManagedPrefixLists", "", "the prefix lists' names", func(token *string) (*ec2.DescribeManagedPrefixListsOutput, error) {
				return r.ec2.DescribeManagedPrefixLists(ctx, &ec2.DescribeManagedPrefixListsInput{NextToken: token})
			},
				func(out *ec2.DescribeManagedPrefixListsOutput) *string {
					for _, p := range out.PrefixLists {
						lists = append(lists, snapshot.PrefixList{PrefixListId: aws.ToString(p.PrefixListId), PrefixListName: aws.ToString(p.PrefixListName)})
					}
					return out.NextToken
				})
		},
	)
	// entries of S3's list and of every list a rule names
	var want []string
	for _, g := range e.SecurityGroupRules {
		if g.PrefixListId != "" && !slices.Contains(want, g.PrefixListId) {
			want = append(want, g.PrefixListId)
		}
	}
	for i := range lists {
		p := &lists[i]
		if p.PrefixListName != "com.amazonaws."+r.cfg.Region+".s3" && !slices.Contains(want, p.PrefixListId) {
			continue
		}
		ec2List(ctx, r, "ec2:GetManagedPrefixListEntries", p.PrefixListId, "the blocks of prefix list "+p.PrefixListId, func(token *string) (*ec2.GetManagedPrefixListEntriesOutput, error) {
			return r.ec2.GetManagedPrefixListEntries(ctx, &ec2.GetManagedPrefixListEntriesInput{PrefixListId: aws.String(p.PrefixListId), NextToken: token})
		},
			func(out *ec2.GetManagedPrefixListEntriesOutput) *string {
				for _, en := range out.Entries {
					p.Entries = append(p.Entries, snapshot.PrefixListEntry{Cidr: aws.ToString(en.Cidr)})
				}
				return out.NextToken
			})
	}
	e.PrefixLists = lists
}

// ec2List pages through one EC2 listing: call makes the call, apply takes
// a page in under the snapshot's lock and returns the next token.
func ec2List[O any](ctx context.Context, r *reader, action, on, what string, call func(token *string) (*O, error), apply func(*O) *string) {
	err := pages(func(token *string) (*string, error) {
		var next *string
		err := r.call(ctx, action, on, what, func(ctx context.Context) error {
			out, err := call(token)
			if err == nil {
				r.locked(func() { next = apply(out) })
			}
			return err
		})
		return next, err
	})
	r.fail(action, err)
}

// readVPCDetails reads each VPC's DNS attributes and its DHCP options.
func (r *reader) readVPCDetails(ctx context.Context) {
	var vpcs []*snapshot.Vpc
	var dopts []string
	r.locked(func() {
		for i := range r.s.EC2.Vpcs {
			v := &r.s.EC2.Vpcs[i]
			vpcs = append(vpcs, v)
			if v.DhcpOptionsId != "" && v.DhcpOptionsId != "default" && !slices.Contains(dopts, v.DhcpOptionsId) {
				dopts = append(dopts, v.DhcpOptionsId)
			}
		}
	})
	type attr struct {
		v    *snapshot.Vpc
		name ec2types.VpcAttributeName
	}
	var attrs []attr
	for _, v := range vpcs {
		attrs = append(attrs, attr{v, ec2types.VpcAttributeNameEnableDnsSupport}, attr{v, ec2types.VpcAttributeNameEnableDnsHostnames})
	}
	parallel(func() {
		each(attrs, func(a attr) {
			err := r.call(ctx, "ec2:DescribeVpcAttribute", a.v.VpcId, "the DNS attributes of VPC "+a.v.VpcId, func(ctx context.Context) error {
				out, err := r.ec2.DescribeVpcAttribute(ctx, &ec2.DescribeVpcAttributeInput{VpcId: aws.String(a.v.VpcId), Attribute: a.name})
				if err != nil {
					return err
				}
				r.locked(func() {
					if out.EnableDnsSupport != nil && out.EnableDnsSupport.Value != nil {
						a.v.EnableDnsSupport = aws.Bool(*out.EnableDnsSupport.Value)
					}
					if out.EnableDnsHostnames != nil && out.EnableDnsHostnames.Value != nil {
						a.v.EnableDnsHostnames = aws.Bool(*out.EnableDnsHostnames.Value)
					}
				})
				return nil
			})
			r.fail("ec2:DescribeVpcAttribute", err)
		})
	}, func() {
		if len(dopts) == 0 {
			return
		}
		ec2List(ctx, r, "ec2:DescribeDhcpOptions", "", "the DHCP options "+strings.Join(dopts, ", "), func(token *string) (*ec2.DescribeDhcpOptionsOutput, error) {
			return r.ec2.DescribeDhcpOptions(ctx, &ec2.DescribeDhcpOptionsInput{Filters: filter("dhcp-options-id", dopts...), NextToken: token})
		},
			func(out *ec2.DescribeDhcpOptionsOutput) *string {
				for _, o := range out.DhcpOptions {
					x := snapshot.DhcpOptions{DhcpOptionsId: aws.ToString(o.DhcpOptionsId)}
					for _, c := range o.DhcpConfigurations {
						y := snapshot.DhcpConfiguration{Key: aws.ToString(c.Key)}
						for _, v := range c.Values {
							y.Values = append(y.Values, snapshot.AttributeValue{Value: aws.ToString(v.Value)})
						}
						x.DhcpConfigurations = append(x.DhcpConfigurations, y)
					}
					r.s.EC2.DhcpOptions = append(r.s.EC2.DhcpOptions, x)
				}
				return out.NextToken
			})
	})
}

// cfnTags keeps the tags CloudFormation writes, and no other.
func cfnTags(tags []ec2types.Tag) []snapshot.Tag {
	var out []snapshot.Tag
	for _, t := range tags {
		if snapshot.CloudFormationTag(aws.ToString(t.Key)) {
			out = append(out, snapshot.Tag{Key: aws.ToString(t.Key), Value: aws.ToString(t.Value)})
		}
	}
	return out
}

func routeTable(rt ec2types.RouteTable) snapshot.RouteTable {
	x := snapshot.RouteTable{RouteTableId: aws.ToString(rt.RouteTableId), VpcId: aws.ToString(rt.VpcId), Routes: []snapshot.Route{}, Tags: cfnTags(rt.Tags)}
	for _, a := range rt.Associations {
		x.Associations = append(x.Associations, snapshot.RouteAssociation{Main: aws.ToBool(a.Main), SubnetId: aws.ToString(a.SubnetId)})
	}
	for _, ro := range rt.Routes {
		x.Routes = append(x.Routes, snapshot.Route{DestinationCidrBlock: aws.ToString(ro.DestinationCidrBlock), DestinationIpv6CidrBlock: aws.ToString(ro.DestinationIpv6CidrBlock),
			DestinationPrefixListId: aws.ToString(ro.DestinationPrefixListId), GatewayId: aws.ToString(ro.GatewayId), NatGatewayId: aws.ToString(ro.NatGatewayId),
			TransitGatewayId: aws.ToString(ro.TransitGatewayId), VpcPeeringConnectionId: aws.ToString(ro.VpcPeeringConnectionId),
			NetworkInterfaceId: aws.ToString(ro.NetworkInterfaceId), InstanceId: aws.ToString(ro.InstanceId), State: string(ro.State)})
	}
	return x
}

func sgRule(g ec2types.SecurityGroupRule) snapshot.SecurityGroupRule {
	x := snapshot.SecurityGroupRule{SecurityGroupRuleId: aws.ToString(g.SecurityGroupRuleId), GroupId: aws.ToString(g.GroupId), IsEgress: aws.ToBool(g.IsEgress),
		IpProtocol: aws.ToString(g.IpProtocol), FromPort: aws.ToInt32(g.FromPort), ToPort: aws.ToInt32(g.ToPort), CidrIpv4: aws.ToString(g.CidrIpv4),
		CidrIpv6: aws.ToString(g.CidrIpv6), PrefixListId: aws.ToString(g.PrefixListId)}
	if rg := g.ReferencedGroupInfo; rg != nil {
		x.ReferencedGroupInfo = &snapshot.ReferencedGroupInfo{GroupId: aws.ToString(rg.GroupId), UserId: aws.ToString(rg.UserId)}
	}
	return x
}

// readIAM reads each execution role's inline and attached policies, and
// the documents of the customer managed ones (each policy once).
func (r *reader) readIAM(ctx context.Context) {
	var arns []string
	for _, t := range r.s.ECS.TaskDefinitions {
		if t.ExecutionRoleArn != "" && !slices.Contains(arns, t.ExecutionRoleArn) {
			arns = append(arns, t.ExecutionRoleArn)
		}
	}
	slices.Sort(arns)
	roles := make([]snapshot.Role, len(arns))
	var policyArns []string
	var mu sync.Mutex
	idx := make([]int, len(arns))
	for i := range idx {
		idx[i] = i
	}
	each(idx, func(i int) {
		role := &roles[i]
		role.Arn, role.RoleName = arns[i], lastPart(arns[i])
		name := role.RoleName
		var inline []string
		parallel(func() {
			err := pages(func(token *string) (*string, error) {
				var next *string
				err := r.call(ctx, "iam:ListRolePolicies", name, "the inline policies of role "+name, func(ctx context.Context) error {
					out, err := r.iam.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String(name), Marker: token})
					if err == nil {
						inline = append(inline, out.PolicyNames...)
						if out.IsTruncated {
							next = out.Marker
						}
					}
					return err
				})
				return next, err
			})
			if code(err) == "NoSuchEntity" {
				return
			}
			r.fail("iam:ListRolePolicies", err)
			docs := make([]snapshot.RolePolicy, len(inline))
			each(idxs(len(inline)), func(j int) {
				docs[j].PolicyName = inline[j]
				err := r.call(ctx, "iam:GetRolePolicy", name, "the inline policies of role "+name, func(ctx context.Context) error {
					out, err := r.iam.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String(inline[j])})
					if err == nil {
						docs[j].PolicyDocument = decode(aws.ToString(out.PolicyDocument))
					}
					return err
				})
				r.fail("iam:GetRolePolicy", err)
			})
			for _, d := range docs {
				if d.PolicyDocument != "" {
					role.RolePolicies = append(role.RolePolicies, d)
				}
			}
		}, func() {
			err := pages(func(token *string) (*string, error) {
				var next *string
				err := r.call(ctx, "iam:ListAttachedRolePolicies", name, "the managed policies of role "+name, func(ctx context.Context) error {
					out, err := r.iam.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String(name), Marker: token})
					if err == nil {
						for _, p := range out.AttachedPolicies {
							role.AttachedPolicies = append(role.AttachedPolicies, snapshot.AttachedPolicy{PolicyName: aws.ToString(p.PolicyName), PolicyArn: aws.ToString(p.PolicyArn)})
						}
						if out.IsTruncated {
							next = out.Marker
						}
					}
					return err
				})
				return next, err
			})
			if code(err) == "NoSuchEntity" {
				return
			}
			r.fail("iam:ListAttachedRolePolicies", err)
			mu.Lock()
			for _, p := range role.AttachedPolicies {
				if pullpath.ManagedPolicy(p.PolicyArn) == nil && !slices.Contains(policyArns, p.PolicyArn) {
					policyArns = append(policyArns, p.PolicyArn)
				}
			}
			mu.Unlock()
		})
	})
	slices.Sort(policyArns)
	docs := make([]snapshot.ManagedPolicy, len(policyArns))
	each(idxs(len(policyArns)), func(i int) {
		p := &docs[i]
		p.Arn = policyArns[i]
		err := r.call(ctx, "iam:GetPolicy", p.Arn, "the statements of policy "+p.Arn, func(ctx context.Context) error {
			out, err := r.iam.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(p.Arn)})
			if err == nil && out.Policy != nil {
				p.PolicyName, p.DefaultVersionId = aws.ToString(out.Policy.PolicyName), aws.ToString(out.Policy.DefaultVersionId)
			}
			return err
		})
		r.fail("iam:GetPolicy", err)
		if err != nil || p.DefaultVersionId == "" {
			return
		}
		err = r.call(ctx, "iam:GetPolicyVersion", p.Arn, "the statements of policy "+p.Arn, func(ctx context.Context) error {
			out, err := r.iam.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(p.Arn), VersionId: aws.String(p.DefaultVersionId)})
			if err == nil && out.PolicyVersion != nil {
				p.Document = decode(aws.ToString(out.PolicyVersion.Document))
			}
			return err
		})
		r.fail("iam:GetPolicyVersion", err)
	})
	for _, d := range docs {
		if d.Document != "" {
			r.s.IAM.Policies = append(r.s.IAM.Policies, d)
		}
	}
	r.s.IAM.Roles = roles
}

func idxs(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// decode undoes IAM's URL encoding of policy documents.
func decode(doc string) string {
	if out, err := url.QueryUnescape(doc); err == nil {
		return out
	}
	return doc
}

// readECR reads the registry's pull-through cache rules and, for each
// distinct image of this region's ECR, whether its tag or digest exists.
func (r *reader) readECR(ctx context.Context) {
	type image struct{ account, repo, tag, digest string }
	var images []image
	for _, t := range r.s.ECS.TaskDefinitions {
		for _, c := range t.ContainerDefinitions {
			ref, ok := pullpath.ParseECRImage(c.Image)
			im := image{ref.Account, ref.Repo, ref.Tag, ref.Digest}
			if ok && ref.Region == r.cfg.Region && !slices.Contains(images, im) {
				images = append(images, im)
			}
		}
	}
	parallel(func() {
		rules := []snapshot.PullThroughCacheRule{}
		err := pages(func(token *string) (*string, error) {
			var next *string
			err := r.call(ctx, "ecr:DescribePullThroughCacheRules", "", "the pull-through cache rules", func(ctx context.Context) error {
				out, err := r.ecr.DescribePullThroughCacheRules(ctx, &ecr.DescribePullThroughCacheRulesInput{NextToken: token})
				if err == nil {
					for _, c := range out.PullThroughCacheRules {
						rules = append(rules, snapshot.PullThroughCacheRule{EcrRepositoryPrefix: aws.ToString(c.EcrRepositoryPrefix),
							UpstreamRegistryUrl: aws.ToString(c.UpstreamRegistryUrl), RegistryId: aws.ToString(c.RegistryId)})
					}
					next = out.NextToken
				}
				return err
			})
			return next, err
		})
		r.fail("ecr:DescribePullThroughCacheRules", err)
		if err == nil {
			r.locked(func() { r.s.ECR.PullThroughCacheRules = rules })
		}
	}, func() {
		each(images, func(im image) {
			id := ecrtypes.ImageIdentifier{}
			failure := snapshot.ImageId{}
			if im.digest != "" {
				id.ImageDigest, failure.ImageDigest = aws.String(im.digest), im.digest
			} else {
				id.ImageTag, failure.ImageTag = aws.String(im.tag), im.tag
			}
			err := r.call(ctx, "ecr:DescribeImages", im.repo, "the images of repository "+im.repo, func(ctx context.Context) error {
				out, err := r.ecr.DescribeImages(ctx, &ecr.DescribeImagesInput{RegistryId: aws.String(im.account), RepositoryName: aws.String(im.repo), ImageIds: []ecrtypes.ImageIdentifier{id}})
				if err != nil {
					return err
				}
				r.locked(func() {
					for _, d := range out.ImageDetails {
						r.s.ECR.Images = append(r.s.ECR.Images, snapshot.ImageDetail{RegistryId: aws.ToString(d.RegistryId), RepositoryName: aws.ToString(d.RepositoryName),
							ImageDigest: aws.ToString(d.ImageDigest), ImageTags: d.ImageTags})
					}
				})
				return nil
			})
			switch c := code(err); c {
			case "ImageNotFoundException", "RepositoryNotFoundException":
				var ae smithy.APIError
				errors.As(err, &ae)
				r.locked(func() {
					r.s.ECR.ImageFailures = append(r.s.ECR.ImageFailures, snapshot.ImageFailure{RegistryId: im.account, RepositoryName: im.repo, ImageId: failure,
						FailureCode: strings.TrimSuffix(c, "Exception"), FailureReason: ae.ErrorMessage()})
				})
			default:
				r.fail("ecr:DescribeImages", err)
			}
		})
	})
	slices.SortFunc(r.s.ECR.Images, func(a, b snapshot.ImageDetail) int {
		return strings.Compare(a.RepositoryName+a.ImageDigest, b.RepositoryName+b.ImageDigest)
	})
	slices.SortFunc(r.s.ECR.ImageFailures, func(a, b snapshot.ImageFailure) int { return strings.Compare(a.RepositoryName, b.RepositoryName) })
}
