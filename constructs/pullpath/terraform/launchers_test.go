package terraform

import (
	"testing"

	"github.com/privatepull/privatepull/constructs/pullpath"
)

// Launchers whose pieces come from outside the configuration say so: a
// state's field given by its input (Key.$), a list jsonencode'd from a
// variable with no value, a definition known only at apply.
func TestTerraformLaunchersSayWhatTheyCannotSee(t *testing.T) {
	m := writeTF(t, map[string]string{"main.tf": `
variable "sgs" { type = list(string) }
variable "def" { type = string }
resource "aws_sfn_state_machine" "dyn" {
  definition = jsonencode({ StartAt = "R", States = { R = {
    Type = "Task", Resource = "arn:aws:states:::ecs:runTask.waitForTaskToken", End = true
    Parameters = { "TaskDefinition.$" = "$.task", LaunchType = "FARGATE",
      NetworkConfiguration = { AwsvpcConfiguration = { "Subnets.$" = "$.subnets", SecurityGroups = ["sg-1"] } } } } } })
}
resource "aws_sfn_state_machine" "heredoc" {
  definition = <<-EOT
    {"StartAt": "R", "States": {"R": {"Type": "Task", "Resource": "arn:aws:states:::ecs:runTask", "End": true,
      "Parameters": {"TaskDefinition": "job", "LaunchType": "FARGATE", "NetworkConfiguration": {"AwsvpcConfiguration": {
        "Subnets": ["subnet-1"], "SecurityGroups": ${jsonencode(var.sgs)}}}}}}}
  EOT
}
resource "aws_sfn_state_machine" "later" {
  definition = var.def != "" ? var.def : "{\"States\": {\"R\": {\"Resource\": \"arn:aws:states:::ecs:runTask\"}}}"
}
resource "aws_sfn_state_machine" "lambda" {
  definition = jsonencode({ StartAt = "L", States = { L = { Type = "Task", Resource = "arn:aws:states:::lambda:invoke", End = true } } })
}
`})
	eq(t, "launchers", len(m.Services), 3)
	dyn := tfFind(t, m.Services, "aws_sfn_state_machine.dyn")
	eq(t, "kind", dyn.Kind, pullpath.KindStateMachine)
	eq(t, "task from the input", dyn.TaskWhy, "the value of TaskDefinition, which state R's input gives at run time ($.task)")
	eq(t, "subnets from the input", dyn.SubnetsWhy, "the value of Subnets, which state R's input gives at run time ($.subnets)")
	eq(t, "launch type", dyn.LaunchType, "FARGATE")
	hd := tfFind(t, m.Services, "aws_sfn_state_machine.heredoc")
	eq(t, "groups from a variable", hd.GroupsWhy, "the variable sgs")
	eq(t, "subnets", len(hd.Subnets), 1)
	later := tfFind(t, m.Services, "aws_sfn_state_machine.later")
	eq(t, "definition at apply", later.TaskWhy, "the definition of aws_sfn_state_machine.later is the variable def")
}

// A JSONata state's expressions are known only at run time.
func TestTerraformJSONataStateIsUnknownWhereItComputes(t *testing.T) {
	m := writeTF(t, map[string]string{"main.tf": `
resource "aws_ecs_task_definition" "job" {
  family = "job"
  requires_compatibilities = ["FARGATE"]
  network_mode = "awsvpc"
  container_definitions = jsonencode([{ name = "job", image = "public.ecr.aws/docker/library/busybox:1" }])
}
resource "aws_sfn_state_machine" "j" {
  definition = jsonencode({ QueryLanguage = "JSONata", StartAt = "R", States = { R = {
    Type = "Task", Resource = "arn:aws:states:::ecs:runTask.sync", End = true
    Arguments = { TaskDefinition = aws_ecs_task_definition.job.arn, LaunchType = "{% $states.input.launchType %}",
      NetworkConfiguration = { AwsvpcConfiguration = { Subnets = "{% $states.input.subnets %}", SecurityGroups = ["sg-1"] } } } } } })
}
`})
	j := tfFind(t, m.Services, "aws_sfn_state_machine.j")
	eq(t, "task", j.Task != nil, true)
	eq(t, "launch type", j.LaunchType, "?")
	eq(t, "subnets", j.SubnetsWhy, "the value of Subnets, which state R's input gives at run time ({% $states.input.subnets %})")
}
