variable "name" {
  type = string
}

variable "vpc_id" {
  type = string
}

variable "subnet_ids" {
  type = list(string)
}

variable "endpoints_sg_id" {
  type = string
}

variable "s3_prefix_list_id" {
  type = string
}

variable "image_tag" {
  type    = string
  default = "latest"
}

resource "aws_security_group" "task" {
  name   = "${var.name}-task"
  vpc_id = var.vpc_id

  egress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [var.endpoints_sg_id]
  }

  egress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    prefix_list_ids = [var.s3_prefix_list_id]
  }
}

resource "aws_security_group_rule" "endpoints_from_task" {
  type                     = "ingress"
  from_port                = 443
  to_port                  = 443
  protocol                 = "tcp"
  security_group_id        = var.endpoints_sg_id
  source_security_group_id = aws_security_group.task.id
}

resource "aws_ecr_repository" "this" {
  name = var.name
}

resource "aws_iam_role" "execution" {
  name               = "${var.name}-execution"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.id
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_ecs_cluster" "this" {
  name = var.name
}

resource "aws_ecs_task_definition" "this" {
  family             = var.name
  network_mode       = "awsvpc"
  cpu                = 256
  memory             = 512
  execution_role_arn = aws_iam_role.execution.arn
  container_definitions = templatefile("${path.module}/containers.json.tpl", {
    name  = var.name
    image = "${aws_ecr_repository.this.repository_url}:${var.image_tag}"
  })
}

# pullcheck:ignore PRIVATEPULL-EXEC-ENDPOINT ECS Exec is for debugging only
resource "aws_ecs_service" "this" {
  name                   = var.name
  cluster                = aws_ecs_cluster.this.id
  task_definition        = aws_ecs_task_definition.this.arn
  launch_type            = "FARGATE"
  enable_execute_command = true

  network_configuration {
    subnets         = var.subnet_ids
    security_groups = [aws_security_group.task.id]
  }
}

output "service_name" {
  value = aws_ecs_service.this.name
}
