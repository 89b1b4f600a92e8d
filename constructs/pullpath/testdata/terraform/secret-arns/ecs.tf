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

resource "aws_ssm_parameter" "db" {
  name  = "/app/db-url"
  type  = "SecureString"
  value = "postgres://db.internal/app"
}

resource "aws_ssm_parameter" "token" {
  name  = "/app/token"
  type  = "SecureString"
  value = "change-me"
}

resource "aws_secretsmanager_secret" "api" {
  name = "app/api-key"
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

data "aws_iam_policy_document" "secrets" {
  statement {
    actions   = ["ssm:GetParameters"]
    resources = [aws_ssm_parameter.db.arn]
  }
  statement {
    actions   = ["secretsmanager:GetSecretValue"]
    resources = [aws_secretsmanager_secret.api.arn]
  }
}

resource "aws_iam_role_policy" "secrets" {
  role   = aws_iam_role.execution.id
  policy = data.aws_iam_policy_document.secrets.json
}

resource "aws_ecs_cluster" "main" {
  name = local.name
}

resource "aws_ecs_task_definition" "app" {
  family                   = local.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name      = local.name
    image     = "${aws_ecr_repository.app.repository_url}:v1"
    essential = true
    secrets = [
      { name = "DB_URL", valueFrom = aws_ssm_parameter.db.arn },
      { name = "API_KEY", valueFrom = aws_secretsmanager_secret.api.arn },
    ]
  }])
}

resource "aws_ecs_task_definition" "byname" {
  family                   = "byname"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name      = "byname"
    image     = "${aws_ecr_repository.app.repository_url}:v1"
    essential = true
    secrets   = [{ name = "DB_URL", valueFrom = aws_ssm_parameter.db.name }]
  }])
}

resource "aws_ecs_task_definition" "ungranted" {
  family                   = "ungranted"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name      = "ungranted"
    image     = "${aws_ecr_repository.app.repository_url}:v1"
    essential = true
    secrets   = [{ name = "TOKEN", valueFrom = aws_ssm_parameter.token.arn }]
  }])
}

resource "aws_ecs_service" "app" {
  name            = local.name
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = aws_subnet.private[*].id
    security_groups = [aws_security_group.task.id]
  }
}

resource "aws_ecs_service" "byname" {
  name            = "byname"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.byname.arn
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = aws_subnet.private[*].id
    security_groups = [aws_security_group.task.id]
  }
}

resource "aws_ecs_service" "ungranted" {
  name            = "ungranted"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.ungranted.arn
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = aws_subnet.private[*].id
    security_groups = [aws_security_group.task.id]
  }
}
