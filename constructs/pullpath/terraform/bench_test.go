package terraform

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tfBenchModule writes a root module of 100 .tf files with 30 services: a
// network file, 30 service files and 69 files of other resources.
func tfBenchModule(tb testing.TB, dir string) {
	tb.Helper()
	write := func(name, src string) {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o644); err != nil {
			tb.Fatal(err)
		}
	}
	write("network.tf", `
provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

variable "azs" {
  type    = list(string)
  default = ["a", "b", "c"]
}

data "aws_region" "current" {}

data "aws_prefix_list" "s3" {
  name = "com.amazonaws.${data.aws_region.current.name}.s3"
}

resource "aws_vpc" "main" {
  cidr_block           = "10.0.0.0/16"
  enable_dns_hostnames = true
}

resource "aws_subnet" "private" {
  count             = length(var.azs)
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet(aws_vpc.main.cidr_block, 4, count.index)
  availability_zone = "${var.region}${var.azs[count.index]}"
}

resource "aws_route_table" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_route_table_association" "private" {
  count          = length(var.azs)
  subnet_id      = aws_subnet.private[count.index].id
  route_table_id = aws_route_table.private.id
}

resource "aws_security_group" "endpoints" {
  name   = "endpoints"
  vpc_id = aws_vpc.main.id
  ingress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }
}

resource "aws_vpc_endpoint" "interface" {
  for_each            = toset(["ecr.api", "ecr.dkr", "logs", "secretsmanager", "ssm", "ssmmessages"])
  vpc_id              = aws_vpc.main.id
  service_name        = "com.amazonaws.${data.aws_region.current.name}.${each.key}"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = aws_subnet.private[*].id
  security_group_ids  = [aws_security_group.endpoints.id]
}

resource "aws_vpc_endpoint" "s3" {
  vpc_id          = aws_vpc.main.id
  service_name    = "com.amazonaws.${data.aws_region.current.name}.s3"
  route_table_ids = [aws_route_table.private.id]
}

resource "aws_ecs_cluster" "main" {
  name = "bench"
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ecs-tasks.amazonaws.com"]
    }
  }
}
`)
	for i := 0; i < 30; i++ {
		write(fmt.Sprintf("service%02d.tf", i), strings.ReplaceAll(`
locals {
  svcNN_name = "svcNN"
  svcNN = {
    name  = local.svcNN_name
    port  = 8000 + NN
    image = "${aws_ecr_repository.svcNN.repository_url}:1.NN"
  }
}

resource "aws_ecr_repository" "svcNN" {
  name = local.svcNN_name
}

resource "aws_cloudwatch_log_group" "svcNN" {
  name              = "/ecs/${local.svcNN.name}"
  retention_in_days = 14
}

resource "aws_security_group" "svcNN" {
  name   = "${local.svcNN.name}-task"
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = local.svcNN.port
    to_port     = local.svcNN.port
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }

  egress {
    from_port   = 443
    to_port     = 443
    protocol    = "tcp"
    cidr_blocks = [aws_vpc.main.cidr_block]
  }

  egress {
    from_port       = 443
    to_port         = 443
    protocol        = "tcp"
    prefix_list_ids = [data.aws_prefix_list.s3.id]
  }
}

data "aws_iam_policy_document" "svcNN" {
  statement {
    actions   = ["ecr:GetAuthorizationToken"]
    resources = ["*"]
  }
  statement {
    actions   = ["ecr:BatchCheckLayerAvailability", "ecr:GetDownloadUrlForLayer", "ecr:BatchGetImage"]
    resources = [aws_ecr_repository.svcNN.arn]
  }
  statement {
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.svcNN.arn}:*"]
  }
}

resource "aws_iam_role" "svcNN" {
  name               = "${local.svcNN.name}-execution"
  assume_role_policy = data.aws_iam_policy_document.assume.json
}

resource "aws_iam_role_policy" "svcNN" {
  role   = aws_iam_role.svcNN.id
  policy = data.aws_iam_policy_document.svcNN.json
}

resource "aws_ecs_task_definition" "svcNN" {
  family                   = local.svcNN.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  execution_role_arn       = aws_iam_role.svcNN.arn
  container_definitions = jsonencode([{
    name         = local.svcNN.name
    image        = local.svcNN.image
    essential    = true
    portMappings = [{ containerPort = local.svcNN.port }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = aws_cloudwatch_log_group.svcNN.name
        awslogs-region        = data.aws_region.current.name
        awslogs-stream-prefix = local.svcNN.name
      }
    }
  }])
}

resource "aws_ecs_service" "svcNN" {
  name            = local.svcNN.name
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.svcNN.arn
  desired_count   = 2
  launch_type     = "FARGATE"

  network_configuration {
    subnets         = aws_subnet.private[*].id
    security_groups = [aws_security_group.svcNN.id]
  }
}
`, "NN", fmt.Sprintf("%02d", i)))
	}
	for i := 0; i < 69; i++ {
		write(fmt.Sprintf("extra%02d.tf", i), strings.ReplaceAll(`
variable "extraNN_enabled" {
  type    = bool
  default = true
}

locals {
  extraNN_tags = merge({ Team = "platform", Index = "NN" }, { Name = format("extra-%s", "NN") })
}

resource "aws_s3_bucket" "extraNN" {
  count  = var.extraNN_enabled ? 1 : 0
  bucket = "bench-extra-NN"
  tags   = local.extraNN_tags
}

resource "aws_sqs_queue" "extraNN" {
  name                      = "bench-extra-NN"
  message_retention_seconds = 86400
  tags                      = local.extraNN_tags
}

resource "aws_cloudwatch_metric_alarm" "extraNN" {
  alarm_name          = "bench-extra-NN"
  comparison_operator = "GreaterThanThreshold"
  evaluation_periods  = 2
  metric_name         = "ApproximateNumberOfMessagesVisible"
  namespace           = "AWS/SQS"
  period              = 60
  statistic           = "Average"
  threshold           = 100
  dimensions          = { QueueName = aws_sqs_queue.extraNN.name }
}

output "extraNN_queue" {
  value = aws_sqs_queue.extraNN.arn
}
`, "NN", fmt.Sprintf("%02d", i)))
	}
}

func TestTerraformBenchModule(t *testing.T) {
	dir := t.TempDir()
	tfBenchModule(t, dir)
	m, err := Read(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*.tf"))
	if len(files) != 100 || len(m.Services) != 30 {
		t.Fatalf("%d files, %d services; want 100 and 30", len(files), len(m.Services))
	}
	s := m.Services[29]
	if s.Task == nil || s.Task.Containers[0].Image != "${ACCOUNT}.dkr.ecr.eu-west-1.amazonaws.com/svc29:1.29" ||
		len(s.Subnets) != 3 || len(s.Groups[0].Egress) != 2 || len(s.Task.ExecRole.Policies) != 1 {
		t.Fatalf("service 29 read wrong:\n%s", tfDump(m))
	}
}

// BenchmarkReadTerraform reads a root module of 100 .tf files with 30
// services (target: <= 100 ms and <= 50 MiB per read).
func BenchmarkReadTerraform(b *testing.B) {
	dir := b.TempDir()
	tfBenchModule(b, dir)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		m, err := Read(dir, Options{})
		if err != nil || len(m.Services) != 30 {
			b.Fatal(err)
		}
	}
}
