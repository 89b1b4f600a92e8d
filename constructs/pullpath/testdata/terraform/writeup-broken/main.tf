# The write-up's configuration: ECR pulls through VPC endpoints, no NAT.
# The task group reaches the endpoints but not the S3 prefix list, so layer
# downloads time out (CannotPullContainerError ... starport-layer-bucket).

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
