resource "aws_iam_role" "launcher" {
  name = "job-launcher"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = ["events.amazonaws.com", "scheduler.amazonaws.com", "states.amazonaws.com"] }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_cloudwatch_event_rule" "nightly" {
  name                = "nightly"
  schedule_expression = "cron(0 3 * * ? *)"
}

resource "aws_cloudwatch_event_target" "report" {
  rule     = aws_cloudwatch_event_rule.nightly.name
  arn      = aws_ecs_cluster.main.arn
  role_arn = aws_iam_role.launcher.arn

  ecs_target {
    task_definition_arn = aws_ecs_task_definition.job.arn
    launch_type         = "FARGATE"
    network_configuration {
      subnets         = aws_subnet.private[*].id
      security_groups = [aws_security_group.task.id]
    }
  }
}

resource "aws_cloudwatch_event_target" "cleanup" {
  rule     = aws_cloudwatch_event_rule.nightly.name
  arn      = aws_ecs_cluster.main.arn
  role_arn = aws_iam_role.launcher.arn

  ecs_target {
    task_definition_arn = aws_ecs_task_definition.job.arn
    launch_type         = "FARGATE"
    network_configuration {
      subnets          = aws_subnet.private[*].id
      security_groups  = [aws_security_group.no_s3.id]
      assign_public_ip = false
    }
  }
}

resource "aws_scheduler_schedule" "hourly" {
  name                = "hourly"
  schedule_expression = "rate(1 hour)"
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = aws_ecs_cluster.main.arn
    role_arn = aws_iam_role.launcher.arn
    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.job.arn
      launch_type         = "FARGATE"
      network_configuration {
        subnets         = [aws_subnet.private[0].id]
        security_groups = [aws_security_group.task.id]
      }
    }
  }
}

resource "aws_scheduler_schedule" "weekly" {
  name                = "weekly"
  schedule_expression = "rate(7 days)"
  flexible_time_window {
    mode = "OFF"
  }
  target {
    arn      = aws_ecs_cluster.main.arn
    role_arn = aws_iam_role.launcher.arn
    ecs_parameters {
      task_definition_arn = aws_ecs_task_definition.job.arn
      launch_type         = "FARGATE"
      network_configuration {
        subnets         = [aws_subnet.private[1].id]
        security_groups = [aws_security_group.no_s3.id]
      }
    }
  }
}

# The definition as jsonencode: one state, inside a Map.
resource "aws_sfn_state_machine" "pipeline" {
  name     = "pipeline"
  role_arn = aws_iam_role.launcher.arn
  definition = jsonencode({
    StartAt = "Each"
    States = {
      Each = {
        Type = "Map"
        End  = true
        ItemProcessor = {
          StartAt = "Run"
          States = {
            Run = {
              Type     = "Task"
              Resource = "arn:aws:states:::ecs:runTask.sync"
              End      = true
              Parameters = {
                Cluster        = aws_ecs_cluster.main.arn
                TaskDefinition = aws_ecs_task_definition.job.arn
                LaunchType     = "FARGATE"
                NetworkConfiguration = {
                  AwsvpcConfiguration = {
                    Subnets        = aws_subnet.private[*].id
                    SecurityGroups = [aws_security_group.task.id]
                  }
                }
              }
            }
          }
        }
      }
    }
  })
}

# The definition as a heredoc: two task states, one per group; Load names
# the task definition by its family.
resource "aws_sfn_state_machine" "batch" {
  name       = "batch"
  role_arn   = aws_iam_role.launcher.arn
  definition = <<-EOT
    {
      "StartAt": "Extract",
      "States": {
        "Extract": {
          "Type": "Task",
          "Resource": "arn:aws:states:::ecs:runTask",
          "Next": "Load",
          "Parameters": {
            "Cluster": "${aws_ecs_cluster.main.arn}",
            "TaskDefinition": "${aws_ecs_task_definition.job.arn}",
            "LaunchType": "FARGATE",
            "NetworkConfiguration": {"AwsvpcConfiguration": {
              "Subnets": ${jsonencode(aws_subnet.private[*].id)},
              "SecurityGroups": ["${aws_security_group.task.id}"]}}
          }
        },
        "Load": {
          "Type": "Task",
          "Resource": "arn:aws:states:::ecs:runTask.sync",
          "End": true,
          "Parameters": {
            "Cluster": "${aws_ecs_cluster.main.arn}",
            "TaskDefinition": "job",
            "LaunchType": "FARGATE",
            "NetworkConfiguration": {"AwsvpcConfiguration": {
              "Subnets": ["${aws_subnet.private[0].id}"],
              "SecurityGroups": ["${aws_security_group.no_s3.id}"]}}
          }
        }
      }
    }
  EOT
}
