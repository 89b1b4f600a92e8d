# The write-up's fixed configuration (writeup-fixed) adopting the VPC's default network ACL
# with aws_default_network_acl and no rule blocks: Terraform removes the rules it does not list,
# so the ACL denies everything and every pull leg is dropped. Verdict: broken
# (PRIVATEPULL-NETWORK-ACL).

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
