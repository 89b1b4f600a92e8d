package test

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/aws-cdk-go/awscdk/v2/assertions"
	"github.com/aws/aws-cdk-go/awscdk/v2/awsec2"
	"github.com/aws/jsii-runtime-go"

	"github.com/privatepull/privatepull/constructs/privatepull"
)

// endpointGroups returns the logical ids of the endpoint group and the client group.
func endpointGroups(t *testing.T, s *synthesized) (group, client string) {
	return s.logicalIdOf(t, "PrivatePull/Endpoints/SecurityGroup/Resource"),
		s.logicalIdOf(t, "PrivatePull/Endpoints/ClientSecurityGroup/Resource")
}

func TestEndpointsCreatesInterfaceEndpointsWithPrivateDns(t *testing.T) {
	// GIVEN the default app
	s := appScenario(t, "default")
	group, _ := endpointGroups(t, s)

	// THEN ecr.api, ecr.dkr and logs are interface endpoints with private DNS,
	// behind the endpoint group only, in both isolated subnets
	for _, service := range []string{".ecr.api", ".ecr.dkr", ".logs"} {
		check(t, service, func() {
			s.template.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), map[string]any{
				"VpcEndpointType":   "Interface",
				"PrivateDnsEnabled": true,
				"ServiceName":       map[string]any{"Fn::Join": []any{"", []any{"com.amazonaws.", ref("AWS::Region"), service}}},
				"SecurityGroupIds":  []any{groupId(group)},
				"SubnetIds":         assertions.Match_ArrayWith(&[]any{ref(s.logicalIdOf(t, "PrivatePull/Vpc/IsolatedSubnet1/Subnet"))}),
			})
		})
	}
	check(t, "four endpoints", func() { s.template.ResourceCountIs(jsii.String("AWS::EC2::VPCEndpoint"), jsii.Number(4)) })
}

func TestEndpointsS3GatewayOnTheSubnetsRouteTablesWithLayerBucketPolicy(t *testing.T) {
	s := appScenario(t, "default")
	check(t, "S3 gateway", func() {
		s.template.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), map[string]any{
			"VpcEndpointType": "Gateway",
			"ServiceName":     map[string]any{"Fn::Join": []any{"", []any{"com.amazonaws.", ref("AWS::Region"), ".s3"}}},
			"RouteTableIds": []any{
				ref(s.logicalIdOf(t, "PrivatePull/Vpc/IsolatedSubnet1/RouteTable")),
				ref(s.logicalIdOf(t, "PrivatePull/Vpc/IsolatedSubnet2/RouteTable")),
			},
			// exactly one statement: GetObject on the layer bucket
			"PolicyDocument": map[string]any{
				"Version": "2012-10-17",
				"Statement": []any{map[string]any{
					"Sid":       "AllowEcrLayerDownloads",
					"Effect":    "Allow",
					"Principal": map[string]any{"AWS": "*"},
					"Action":    "s3:GetObject",
					"Resource": map[string]any{"Fn::Join": []any{"", []any{
						"arn:", ref("AWS::Partition"), ":s3:::prod-", ref("AWS::Region"), "-starport-layer-bucket/*"}}},
				}},
			},
		})
	})
}

func TestEndpointsEcrAndLogsPoliciesAllowOnlyThisAccountsPulls(t *testing.T) {
	s := appScenario(t, "env")
	account := map[string]any{"StringEquals": map[string]any{"aws:PrincipalAccount": []any{testAccount}}}
	for _, service := range []string{"ecr.api", "ecr.dkr"} {
		check(t, service, func() {
			s.template.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), map[string]any{
				"ServiceName": "com.amazonaws." + testRegion + "." + service,
				"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
					map[string]any{"Sid": "AllowRegistryAuth", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"},
						"Action": "ecr:GetAuthorizationToken", "Resource": "*", "Condition": account},
					map[string]any{"Sid": "AllowImagePull", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"},
						"Action":    []any{"ecr:BatchCheckLayerAvailability", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer"},
						"Resource":  "arn:aws:ecr:" + testRegion + ":" + testAccount + ":repository/*",
						"Condition": account},
				}},
			})
		})
	}
	check(t, "logs", func() {
		s.template.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), map[string]any{
			"ServiceName": "com.amazonaws." + testRegion + ".logs",
			"PolicyDocument": map[string]any{"Version": "2012-10-17", "Statement": []any{
				map[string]any{"Sid": "AllowLogWrites", "Effect": "Allow", "Principal": map[string]any{"AWS": "*"},
					"Action":    []any{"logs:CreateLogStream", "logs:PutLogEvents"},
					"Resource":  "arn:aws:logs:" + testRegion + ":" + testAccount + ":log-group:*",
					"Condition": account},
			}},
		})
	})
}

func TestEndpointsSecurityGroupRulesBothWaysOnTcp443Only(t *testing.T) {
	s := appScenario(t, "prefix-list")
	group, client := endpointGroups(t, s)

	// THEN the endpoint group admits tcp/443 from the client group, and nothing else
	ingress := s.resources("AWS::EC2::SecurityGroupIngress")
	if len(ingress) != 1 {
		t.Fatalf("want 1 ingress rule, got %d: %s", len(ingress), asJSON(ingress))
	}
	for _, r := range ingress {
		want := map[string]any{"GroupId": groupId(group), "SourceSecurityGroupId": groupId(client),
			"IpProtocol": "tcp", "FromPort": 443.0, "ToPort": 443.0, "Description": "from privatepull endpoint clients"}
		if asJSON(props(r)) != asJSON(want) {
			t.Errorf("ingress %s, want %s", asJSON(props(r)), asJSON(want))
		}
	}
	// AND the client group sends tcp/443 to the endpoint group and the S3 prefix list only
	var egress []string
	for _, r := range s.resources("AWS::EC2::SecurityGroupEgress") {
		p := props(r)
		if asJSON(p["GroupId"]) != asJSON(groupId(client)) || p["IpProtocol"] != "tcp" || p["FromPort"] != 443.0 || p["ToPort"] != 443.0 {
			t.Errorf("unexpected egress rule %s", asJSON(p))
		}
		egress = append(egress, asJSON(p["DestinationSecurityGroupId"])+" "+asJSON(p["DestinationPrefixListId"]))
	}
	slices.Sort(egress)
	want := []string{`null "pl-63a5400a"`, asJSON(groupId(group)) + " null"}
	slices.Sort(want)
	if !slices.Equal(egress, want) {
		t.Errorf("client egress %v, want %v", egress, want)
	}
	// AND both groups have no inline egress but CDK's match-nothing rule
	for _, id := range []string{group, client} {
		check(t, id, func() {
			s.template.HasResource(jsii.String("AWS::EC2::SecurityGroup"), map[string]any{
				"Properties": map[string]any{"SecurityGroupEgress": []any{map[string]any{
					"CidrIp": "255.255.255.255/32", "Description": "Disallow all traffic", "FromPort": 252, "IpProtocol": "icmp", "ToPort": 86}},
					"SecurityGroupIngress": assertions.Match_Absent()},
			})
		})
	}
}

func TestNoRuleOpensToTheInternet(t *testing.T) {
	for name := range appScenarios {
		raw := asJSON(appScenario(t, name).json)
		for _, wide := range []string{"0.0.0.0/0", "::/0", `"AssignPublicIp":"ENABLED"`} {
			if strings.Contains(raw, wide) {
				t.Errorf("app/%s: template contains %s", name, wide)
			}
		}
	}
}

func TestEndpointsS3PrefixListThreeWays(t *testing.T) {
	cases := map[string]any{
		// an explicit id is used as given
		"prefix-list": "pl-63a5400a",
		// a concrete environment looks it up (answered by the context fixture)
		"env": "pl-6da54004",
		// an environment-agnostic stack resolves it at deploy time
		"default": map[string]any{"Fn::GetAtt": []any{"EndpointsS3PrefixList874EBCED", "PrefixLists.0.PrefixListId"}},
	}
	for name, want := range cases {
		s := appScenario(t, name)
		check(t, name, func() {
			s.template.HasResourceProperties(jsii.String("AWS::EC2::SecurityGroupEgress"), map[string]any{"DestinationPrefixListId": want})
		})
		lookups := len(s.resources("Custom::AWS"))
		if wantLookups := map[bool]int{true: 1, false: 0}[name == "default"]; lookups != wantLookups {
			t.Errorf("%s: %d deploy-time lookups, want %d", name, lookups, wantLookups)
		}
	}
	// the deploy-time lookup asks EC2 for the prefix list by name
	_, lookup := appScenario(t, "default").only(t, "Custom::AWS")
	create := asJSON(props(lookup)["Create"])
	for _, want := range []string{`\"action\":\"DescribeManagedPrefixLists\"`, `\"service\":\"EC2\"`,
		`\"Filters\":[{\"Name\":\"prefix-list-name\",\"Values\":[\"com.amazonaws.",{"Ref":"AWS::Region"},".s3\"]}]`} {
		if !strings.Contains(create, want) {
			t.Errorf("lookup call %s lacks %s", create, want)
		}
	}
}

func TestEndpointsDefaultSubnets(t *testing.T) {
	// GIVEN a VPC with public and private (NAT) subnets and no isolated ones
	stack := awscdk.NewStack(newApp(nil, false), jsii.String("Private"), nil)
	vpc := awsec2.NewVpc(stack, jsii.String("Vpc"), &awsec2.VpcProps{MaxAzs: jsii.Number(2), NatGateways: jsii.Number(1)})
	// WHEN
	privatepull.NewEndpoints(stack, jsii.String("Endpoints"), &privatepull.EndpointsProps{Vpc: vpc, S3PrefixListId: jsii.String("pl-63a5400a")})
	tpl := assertions.Template_FromStack(stack, nil)
	// THEN the endpoints serve the private subnets
	check(t, "private subnets", func() {
		tpl.HasResourceProperties(jsii.String("AWS::EC2::VPCEndpoint"), map[string]any{
			"VpcEndpointType": "Gateway",
			"RouteTableIds":   []any{ref("VpcPrivateSubnet1RouteTableB2C5B500"), ref("VpcPrivateSubnet2RouteTableA678073B")},
		})
	})
}

func TestEndpointsAdoptTheAppsEndpointsWithTheirOwnGroups(t *testing.T) {
	// GIVEN a VPC with an ecr.api endpoint (its own group) and an S3 gateway, written with CDK's L2s
	stack := awscdk.NewStack(newApp(nil, false), jsii.String("Adopt"), nil)
	vpc := isolatedVpc(stack)
	api := vpc.AddInterfaceEndpoint(jsii.String("EcrApi"), &awsec2.InterfaceVpcEndpointOptions{
		Service: awsec2.InterfaceVpcEndpointAwsService_ECR(), Open: jsii.Bool(false)})
	s3 := vpc.AddGatewayEndpoint(jsii.String("S3"), &awsec2.GatewayVpcEndpointOptions{Service: awsec2.GatewayVpcEndpointAwsService_S3()})
	// WHEN a set adopts them
	eps := privatepull.NewEndpoints(stack, jsii.String("Endpoints"), &privatepull.EndpointsProps{
		Vpc: vpc, S3PrefixListId: jsii.String("pl-63a5400a"),
		Existing: &privatepull.ExistingEndpoints{
			InterfaceEndpoints: map[privatepull.InterfaceService]awsec2.IInterfaceVpcEndpoint{privatepull.EcrApi: api},
			S3Gateway:          s3,
		},
	})
	tpl := assertions.Template_FromStack(stack, nil)
	// THEN it creates only ecr.dkr and logs beside them, and uses them
	check(t, "four endpoints", func() { tpl.ResourceCountIs(jsii.String("AWS::EC2::VPCEndpoint"), jsii.Number(4)) })
	if eps.EcrApi() != api || eps.S3() != s3 {
		t.Errorf("the set does not return the endpoints it adopted")
	}
	// AND the adopted endpoint's own group admits the client group
	check(t, "ingress on the adopted group", func() {
		tpl.HasResourceProperties(jsii.String("AWS::EC2::SecurityGroupIngress"), map[string]any{
			"GroupId":               map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^VpcEcrApiSecurityGroup")), "GroupId"}},
			"SourceSecurityGroupId": map[string]any{"Fn::GetAtt": []any{assertions.Match_StringLikeRegexp(jsii.String("^EndpointsClientSecurityGroup")), "GroupId"}},
			"FromPort":              443,
		})
	})
}
