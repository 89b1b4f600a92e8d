# Launchers that are not ECS services, in the write-up's isolated VPC: EventBridge targets,
# schedules and Step Functions state machines (jsonencode and heredoc definitions). Each kind
# runs once with the task group of the fixed write-up (private) and once with a group that
# has no egress to the S3 prefix list (broken, PRIVATEPULL-S3-EGRESS). A Fargate task
# definition nothing launches (migrate) is judged on its own: it has no execution role.

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "eu-west-1"
}

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  name = "app"
  azs  = ["${var.region}a", "${var.region}b"]
}
