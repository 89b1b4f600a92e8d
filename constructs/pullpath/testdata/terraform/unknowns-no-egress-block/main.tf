# A service module on a VPC it looks up: data "aws_vpc" and data "aws_subnets". The
# task group has no egress block and no aws_security_group_rule or
# aws_vpc_security_group_egress_rule adds one: Terraform removes the allow-all rule
# AWS creates, so the tasks may send nothing. Whatever the looked-up VPC holds
# (endpoints, NAT, DNS), no leg on tcp/443 can work: broken, not undecided.

provider "aws" {
  region = "eu-west-1"
}

variable "vpc_name" {
  type = string
}

data "aws_vpc" "shared" {
  tags = { Name = var.vpc_name }
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.shared.id]
  }
}

resource "aws_security_group" "task" {
  name   = "task"
  vpc_id = data.aws_vpc.shared.id
  ingress {
    from_port   = 8080
    to_port     = 8080
    protocol    = "tcp"
    cidr_blocks = [data.aws_vpc.shared.cidr_block]
  }
}

resource "aws_iam_role" "execution" {
  name                = "execution"
  assume_role_policy  = "{}"
  managed_policy_arns = ["arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"]
}

resource "aws_ecs_task_definition" "app" {
  family             = "app"
  network_mode       = "awsvpc"
  execution_role_arn = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name             = "app"
    image            = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"
    logConfiguration = { logDriver = "awslogs" }
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = data.aws_subnets.private.ids
    security_groups = [aws_security_group.task.id]
  }
}
