package cloudformation

import (
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

func TestYAMLShortTagsLinkTheModel(t *testing.T) {
	yaml := "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Select [0, !Cidr ['10.0.0.0/16', 2, 8]]\n  Sub:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: !GetAtt Vpc.CidrBlock\n"
	r := NewReader(nil)
	if err := r.Read(&pullpath.Source{Path: "-", Data: []byte(yaml)}); err != nil {
		t.Fatal(err)
	}
	m := r.Model()
	if len(m.Subnets) != 1 || m.Subnets[0].VPC != m.VPCs[0] || m.Subnets[0].CIDR.P.String() != "10.0.0.0/24" {
		t.Errorf("subnet %+v", m.Subnets[0])
	}
}

func TestAResourceBehindAFalseConditionIsNotCreated(t *testing.T) {
	tpl := `{"Parameters": {"P": {"Type": "String"}},
	 "Conditions": {"Never": {"Fn::Equals": ["a", "b"]}, "Unknowable": {"Fn::Equals": [{"Ref": "P"}, "x"]}},
	 "Resources": {"Vpc": {"Type": "AWS::EC2::VPC"},
	  "Ep": {"Type": "AWS::EC2::VPCEndpoint", "Condition": "Never", "Properties": {"VpcId": {"Ref": "Vpc"}, "ServiceName": "com.amazonaws.eu-west-1.ecr.api", "VpcEndpointType": "Interface"}},
	  "Maybe": {"Type": "AWS::EC2::VPCEndpoint", "Condition": "Unknowable", "Properties": {"VpcId": {"Ref": "Vpc"}, "ServiceName": "com.amazonaws.eu-west-1.ecr.dkr", "VpcEndpointType": "Interface"}}}}`
	r := NewReader(nil)
	if err := r.Read(&pullpath.Source{Path: "-", Data: []byte(tpl)}); err != nil {
		t.Fatal(err)
	}
	eps := r.Model().Endpoints
	if len(eps) != 1 || eps[0].ID != "Maybe" || eps[0].CountWhy == "" {
		t.Errorf("endpoints %+v: want only Maybe, which may not exist", eps)
	}
}
