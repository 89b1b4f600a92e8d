# A service in the account's default VPC (aws_default_vpc, aws_default_subnet: their
# route tables are not in the configuration). The task group sends tcp/443 only to the
# VPC's own block, which holds no address of S3 and is no way out: whatever the default
# subnet's routes are, the layer download has no route, and with no endpoint in the VPC
# the registry API has none either. Broken, not undecided.

provider "aws" {
  region = "eu-west-1"
}
resource "aws_default_vpc" "default" {}
resource "aws_default_subnet" "a" {
  availability_zone = "eu-west-1a"
}
resource "aws_security_group" "task" {
  name   = "task"
  vpc_id = aws_default_vpc.default.id
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_default_vpc.default.cidr_block]
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
    name  = "app"
    image = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/app:1"
  }])
}
resource "aws_ecs_service" "app" {
  name            = "app"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets          = [aws_default_subnet.a.id]
    security_groups  = [aws_security_group.task.id]
    assign_public_ip = true
  }
}
