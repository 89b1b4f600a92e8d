# Secrets named by the ARNs of the resources that hold them, in the fixed write-up's
# isolated VPC (with ssm and secretsmanager endpoints):
# - app reads valueFrom = aws_ssm_parameter.db.arn and aws_secretsmanager_secret.api.arn,
#   and its execution role is granted exactly those ARNs (private: an ARN is not a name
#   to wrap in a second ARN);
# - byname reads the parameter by its name (aws_ssm_parameter.db.name), which the same
#   grant covers (private);
# - ungranted reads aws_ssm_parameter.token.arn, which its role is not granted (broken,
#   PRIVATEPULL-EXECUTION-ROLE).

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
