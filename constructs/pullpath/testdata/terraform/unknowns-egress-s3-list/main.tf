# The module of unknowns-egress-endpoints-only, but the task group also sends tcp/443
# to the S3 managed prefix list, found by name (data "aws_prefix_list"). Every leg may
# work; what decides it (the endpoints, routes and DNS of the VPC) is not in the module:
# undecided.

provider "aws" {
  region = "eu-west-1"
}

variable "vpc_id" {
  type = string
}

data "aws_vpc" "shared" {
  id = var.vpc_id
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [var.vpc_id]
  }
}

resource "aws_security_group" "endpoints" {
  name   = "endpoints"
  vpc_id = var.vpc_id
  ingress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.task.id]
  }
}


data "aws_prefix_list" "s3" {
  name = "com.amazonaws.eu-west-1.s3"
}

resource "aws_security_group" "task" {
  name   = "task"
  vpc_id = var.vpc_id
  egress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.endpoints.id]
  }
  egress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    prefix_list_ids = [data.aws_prefix_list.s3.id]
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
