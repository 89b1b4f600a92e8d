resource "aws_ecr_repository" "app" {
  name = local.name
}

resource "aws_security_group" "task" {
  name   = "${local.name}-task"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group_rule" "task_to_endpoints" {
  type                     = "egress"
  from_port                = 443
  to_port                  = 443
  protocol                 = "tcp"
  security_group_id        = aws_security_group.task.id
  source_security_group_id = aws_security_group.endpoints.id
}

data "aws_prefix_list" "s3" {
  name = "com.amazonaws.${data.aws_region.current.name}.s3"
}

resource "aws_security_group_rule" "task_to_s3" {
  type              = "egress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  security_group_id = aws_security_group.task.id
  prefix_list_ids   = [data.aws_prefix_list.s3.id]
}

resource "aws_iam_role" "execution" {
  name = "${local.name}-execution"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_cloudwatch_log_group" "app" {
  name = "/ecs/${local.name}"
}

resource "aws_ecs_cluster" "main" {
  name = local.name
}

data "template_file" "app" {
  template = file("${path.module}/containers.json.tpl")
  vars = {
    name      = local.name
    image     = "${aws_ecr_repository.app.repository_url}:v1"
    log_group = aws_cloudwatch_log_group.app.name
    region    = data.aws_region.current.name
  }
}

resource "aws_ecs_task_definition" "app" {
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions    = data.template_file.app.rendered
}

resource "aws_ecs_service" "app" {
  name            = local.name
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"
  desired_count   = 1

  network_configuration {
    subnets         = aws_subnet.private[*].id
    security_groups = [aws_security_group.task.id]
  }
}

data "template_file" "hub" {
  template = <<-EOT
    [{"name": "$${name}", "image": "$${image}", "essential": true}]
  EOT
  vars = {
    name  = "hub"
    image = "docker.io/library/nginx:1.27"
  }
}

resource "aws_ecs_task_definition" "hub" {
  family                   = "hub"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions    = data.template_file.hub.rendered
}

resource "aws_ecs_service" "hub" {
  name            = "hub"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.hub.arn
  launch_type     = "FARGATE"
  desired_count   = 1

  network_configuration {
    subnets         = aws_subnet.private[*].id
    security_groups = [aws_security_group.task.id]
  }
}
