# Container definitions rendered by data "template_file" (the hashicorp/template
# provider, common in older code), in the fixed write-up's isolated VPC:
# - app renders containers.json.tpl (file()) with vars: its ECR image, awslogs group and
#   region; everything is reachable inside the VPC (private);
# - hub renders an inline template (escaped $${...}) whose image is on Docker Hub, which no
#   VPC endpoint serves, and the tasks have no way out (broken, PRIVATEPULL-IMAGE-REGISTRY).

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
