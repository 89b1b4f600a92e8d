package snapshot

import (
	"slices"
	"strings"
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// Fixes on a live account are AWS CLI commands with the real ids the
// change needs, no placeholder left, and on a resource a CloudFormation
// stack created they say the change belongs in its template.
func TestLiveFixesNameRealIDs(t *testing.T) {
	for _, c := range []struct {
		name, rule, want string
		edit             func(s *Snapshot)
	}{
		{"endpoint egress", "PRIVATEPULL-ENDPOINT-EGRESS",
			"aws ec2 authorize-security-group-egress --region eu-west-1 --group-id sg-0aa000000000w0t01 --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=sg-0aa000000000w0e01}]'",
			func(s *Snapshot) {
				s.EC2.SecurityGroupRules = slices.DeleteFunc(s.EC2.SecurityGroupRules, func(r SecurityGroupRule) bool { return r.IsEgress && r.ReferencedGroupInfo != nil })
			}},
		{"endpoint ingress", "PRIVATEPULL-ENDPOINT-INGRESS",
			"aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id sg-0aa000000000w0e01 --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=sg-0aa000000000w0t01}]'",
			func(s *Snapshot) {
				s.EC2.SecurityGroupRules = slices.DeleteFunc(s.EC2.SecurityGroupRules, func(r SecurityGroupRule) bool { return !r.IsEgress })
			}},
		{"missing endpoint", "PRIVATEPULL-LOGS-ENDPOINT",
			"G=$(aws ec2 create-security-group --region eu-west-1 --vpc-id vpc-0aa0000000000w001 --group-name app-logs-endpoint --description 'tcp/443 from the tasks of app/app' --query GroupId --output text) && " +
				"aws ec2 authorize-security-group-ingress --region eu-west-1 --group-id $G --ip-permissions 'IpProtocol=tcp,FromPort=443,ToPort=443,UserIdGroupPairs=[{GroupId=sg-0aa000000000w0t01}]' && " +
				"aws ec2 create-vpc-endpoint --region eu-west-1 --vpc-id vpc-0aa0000000000w001 --vpc-endpoint-type Interface --service-name com.amazonaws.eu-west-1.logs --private-dns-enabled --subnet-ids subnet-0aa000000000w0a1 subnet-0aa000000000w0a2 --security-group-ids $G",
			func(s *Snapshot) {
				s.EC2.VpcEndpoints = slices.DeleteFunc(s.EC2.VpcEndpoints, func(e VpcEndpoint) bool { return strings.HasSuffix(e.ServiceName, ".logs") })
			}},
		{"gateway on no subnet's table", "PRIVATEPULL-S3-GATEWAY",
			"aws ec2 modify-vpc-endpoint --region eu-west-1 --vpc-endpoint-id vpce-0aa00000000w00s3 --add-route-table-ids rtb-0aa000000000w0001",
			func(s *Snapshot) {
				for i := range s.EC2.VpcEndpoints {
					if s.EC2.VpcEndpoints[i].VpcEndpointType == "Gateway" {
						s.EC2.VpcEndpoints[i].RouteTableIds = []string{"rtb-0aa000000000w0009"}
					}
				}
				s.EC2.RouteTables = append(s.EC2.RouteTables, RouteTable{RouteTableId: "rtb-0aa000000000w0009", VpcId: "vpc-0aa0000000000w001",
					Routes: []Route{{DestinationPrefixListId: "pl-6da54004", GatewayId: "vpce-0aa00000000w00s3", State: "active"}}})
				rt := &s.EC2.RouteTables[1]
				rt.Routes = rt.Routes[:1]
			}},
		{"ACL of a stack", "PRIVATEPULL-NETWORK-ACL",
			"aws ec2 create-network-acl-entry --region eu-west-1 --network-acl-id acl-0aa000000000w0001 --rule-number 32766 --egress --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action allow (acl-0aa000000000w0001 belongs to CloudFormation stack app-network (logical id PrivateAcl): make the change in its template, or the stack drifts)",
			func(s *Snapshot) {
				a := &s.EC2.NetworkAcls[0]
				a.IsDefault = false
				a.Tags = []Tag{{Key: "aws:cloudformation:stack-name", Value: "app-network"}, {Key: "aws:cloudformation:logical-id", Value: "PrivateAcl"}}
				a.Entries[0].CidrBlock = "10.0.0.0/16"
			}},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := fixture(t, "aws-writeup-fixed")
			c.edit(s)
			sr := pullpath.Judge(Model(s)).Templates[0].Services[0]
			var fixes []string
			for _, f := range sr.Findings {
				if f.Rule == c.rule {
					fixes = append(fixes, f.Fix)
					if strings.Contains(f.Fix, c.want) && !strings.Contains(f.Fix, "<") {
						return
					}
				}
			}
			t.Errorf("%s (%s): fixes %q\nwant one with %q", sr.Verdict, sr.Why, fixes, c.want)
		})
	}
}
