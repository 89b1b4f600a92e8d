# subnet-var-own-route-table, but the S3 gateway sits on a second route table of the
# module that no subnet is associated with: the task subnet var.subnet_a uses the table
# "tasks" (its association says so), and the gateway serves nothing.

provider "aws" {
  region = "eu-west-1"
}

variable "vpc_id" {
  type = string
}

variable "subnet_a" {
  type = string
}

resource "aws_route_table" "tasks" {
  vpc_id = var.vpc_id
}

# Created for the gateway, associated with no subnet.
resource "aws_route_table" "endpoints" {
  vpc_id = var.vpc_id
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id          = var.vpc_id
  service_name    = "com.amazonaws.eu-west-1.s3"
  route_table_ids = [aws_route_table.endpoints.id]
}

resource "aws_route_table_association" "a" {
  subnet_id      = var.subnet_a
  route_table_id = aws_route_table.tasks.id
}

resource "aws_security_group" "task" {
  name   = "task"
  vpc_id = var.vpc_id
  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
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
    subnets         = [var.subnet_a]
    security_groups = [aws_security_group.task.id]
  }
}
