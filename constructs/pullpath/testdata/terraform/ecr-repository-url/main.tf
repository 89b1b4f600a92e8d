# Images named by aws_ecr_repository.x.repository_url, known only after
# apply: the reader writes ${ACCOUNT}.dkr.ecr.REGION.amazonaws.com/NAME, with
# the region of the repository's provider. The second repository is made
# with another provider (us-east-1): its image is in another region's
# registry, which no endpoint of this VPC serves.

provider "aws" {
  region = "eu-west-1"
}

provider "aws" {
  alias  = "use1"
  region = "us-east-1"
}

variable "tag" {
  type    = string
  default = "2024.06"
}

resource "aws_ecr_repository" "app" {
  name = "team/app"
}

resource "aws_ecr_repository" "elsewhere" {
  provider = aws.use1
  name     = "team/elsewhere"
}

resource "aws_vpc" "main" {
  cidr_block           = "10.5.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_subnet" "private" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.5.1.0/24"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private" {
  subnet_id      = aws_subnet.private.id
  route_table_id = aws_route_table.private.id
}

resource "aws_security_group" "endpoints" {
  name   = "endpoints"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.task.id]
  }
}

resource "aws_vpc_endpoint" "interface" {
  for_each            = toset(["ecr.api", "ecr.dkr", "logs"])
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.eu-west-1.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.private.id]
  security_group_ids  = [aws_security_group.endpoints.id]
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.eu-west-1.s3"
  route_table_ids = [aws_route_table.private.id]
}

resource "aws_security_group" "task" {
  name   = "task"
  vpc_id = aws_vpc.main.id
}

resource "aws_vpc_security_group_egress_rule" "task_https" {
  security_group_id = aws_security_group.task.id
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
  cidr_ipv4         = "0.0.0.0/0"
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
  container_definitions = jsonencode([
    {
      name             = "app"
      image            = "${aws_ecr_repository.app.repository_url}:v1"
      logConfiguration = { logDriver = "awslogs" }
    },
    {
      name  = "sidecar"
      image = format("%s:%s", aws_ecr_repository.app.repository_url, var.tag)
    },
  ])
}

resource "aws_ecs_task_definition" "elsewhere" {
  family             = "elsewhere"
  network_mode       = "awsvpc"
  execution_role_arn = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name  = "elsewhere"
    image = "${aws_ecr_repository.elsewhere.repository_url}:v1"
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = [aws_subnet.private.id]
    security_groups = [aws_security_group.task.id]
  }
}

resource "aws_ecs_service" "elsewhere" {
  name            = "elsewhere"
  task_definition = aws_ecs_task_definition.elsewhere.arn
  launch_type     = "FARGATE"
  network_configuration {
    subnets         = [aws_subnet.private.id]
    security_groups = [aws_security_group.task.id]
  }
}
