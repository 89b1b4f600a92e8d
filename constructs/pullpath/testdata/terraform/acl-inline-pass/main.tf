# The write-up's fixed configuration (writeup-fixed) with a network ACL on the private subnets
# that allows what the pull needs, written with inline ingress and egress blocks: tcp/443 out
# to anywhere (the endpoints and S3's ranges, which an ACL cannot name as a prefix list), tcp/443
# in from the VPC, and the replies on 1024-65535 both ways. Verdict: private.

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
