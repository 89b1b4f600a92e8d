resource "aws_ecr_repository" "job" {
  name = "job"
}

resource "aws_security_group" "task" {
  name   = "job-task"
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

# The write-up's bug: egress to the endpoints only, none to the S3 prefix list.
resource "aws_security_group" "no_s3" {
  name   = "job-no-s3"
  vpc_id = aws_vpc.main.id

  egress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    security_groups = [aws_security_group.endpoints.id]
  }
}

resource "aws_iam_role" "execution" {
  name = "job-execution"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "execution" {
  role       = aws_iam_role.execution.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonECSTaskExecutionRolePolicy"
}

resource "aws_cloudwatch_log_group" "job" {
  name = "/ecs/job"
}

resource "aws_ecs_cluster" "main" {
  name = "jobs"
}

resource "aws_ecs_task_definition" "job" {
  family                   = "job"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.execution.arn
  container_definitions = jsonencode([{
    name      = "job"
    image     = "${aws_ecr_repository.job.repository_url}:v1"
    essential = true
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.job.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = "job"
      }
    }
  }])
}

# Run by RunTask from a pipeline: nothing here launches it, and it has no execution role.
resource "aws_ecs_task_definition" "migrate" {
  family                   = "migrate"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name      = "migrate"
    image     = "${aws_ecr_repository.job.repository_url}:migrate"
    essential = true
  }])
}
