package cloudformation

import (
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// Launchers are read from every shape a template writes them in, and what
// a state's input gives at run time is unknown.
func TestLaunchersOfATemplate(t *testing.T) {
	tpl := `{"Resources": {
	 "Td": {"Type": "AWS::ECS::TaskDefinition", "Properties": {"Family": "job", "NetworkMode": "awsvpc", "RequiresCompatibilities": ["FARGATE"]}},
	 "Sub": {"Type": "AWS::EC2::Subnet", "Properties": {"CidrBlock": "10.0.0.0/24"}},
	 "OnlyLambda": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [{"Id": "L", "Arn": "arn:aws:lambda:eu-west-1:111122223333:function:f"}]}},
	 "Mixed": {"Type": "AWS::Events::Rule", "Properties": {"Targets": [
	   {"Id": "L", "Arn": "arn:aws:lambda:eu-west-1:111122223333:function:f"},
	   {"Id": "Ecs", "Arn": "arn:aws:ecs:eu-west-1:111122223333:cluster/shared", "EcsParameters": {"TaskDefinitionArn": {"Ref": "Td"}, "LaunchType": "FARGATE",
	     "NetworkConfiguration": {"AwsVpcConfiguration": {"Subnets": [{"Ref": "Sub"}]}}}}]}},
	 "Dyn": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"Definition": {"StartAt": "R", "States": {"R": {
	   "Type": "Task", "Resource": "arn:aws:states:::ecs:runTask.waitForTaskToken", "End": true,
	   "Parameters": {"Cluster.$": "$.cluster", "TaskDefinition": "job:3", "LaunchType": "FARGATE",
	     "NetworkConfiguration": {"AwsvpcConfiguration": {"Subnets.$": "$.subnets"}}}}}}}},
	 "InS3": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionS3Location": {"Bucket": "b", "Key": "k"}}},
	 "Broken": {"Type": "AWS::StepFunctions::StateMachine", "Properties": {"DefinitionString": "{\"States\": {\"R\": {\"Resource\": \"arn:aws:states:::ecs:runTask\""}}
	}}`
	r := NewReader(nil)
	if err := r.Read(&pullpath.Source{Path: "-", Data: []byte(tpl)}); err != nil {
		t.Fatal(err)
	}
	got := map[string]*pullpath.Service{}
	for _, s := range r.Model().Services {
		got[s.ID] = s
	}
	if len(got) != 3 || got["Mixed/Ecs"] == nil || got["Dyn"] == nil || got["Broken"] == nil {
		t.Fatalf("launchers %v: want Mixed/Ecs, Dyn and Broken", got)
	}
	mixed := got["Mixed/Ecs"]
	if mixed.Kind != pullpath.KindEventsRule || mixed.Task == nil || len(mixed.Subnets) != 1 || mixed.Cluster == nil || mixed.Cluster.Ext == "" {
		t.Errorf("Mixed/Ecs: %+v", mixed)
	}
	dyn := got["Dyn"]
	if dyn.Kind != pullpath.KindStateMachine || dyn.Task == nil || dyn.Task.ID != "Td" {
		t.Errorf("Dyn: task %v (%s), want Td by its family and revision", dyn.Task, dyn.TaskWhy)
	}
	if want := "the subnets are the value of Subnets, which state R's input gives at run time ($.subnets)"; dyn.SubnetsWhy != want {
		t.Errorf("Dyn: subnets %q, want %q", dyn.SubnetsWhy, want)
	}
	if b := got["Broken"]; b.TaskWhy != "the definition of Broken cannot be read as JSON" {
		t.Errorf("Broken: %q", b.TaskWhy)
	}
}
