# The write-up's configuration, fixed: the task group also reaches the S3
# prefix list (prefix_list_ids = [data.aws_prefix_list.s3.id]), so layers
# download through the S3 gateway endpoint.

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
