# The write-up's fixed configuration (writeup-fixed) with DHCP options that send the tasks to the
# company's DNS servers. The interface endpoints' private DNS answers only through the VPC
# resolver, so the pull works only if those servers forward the AWS names to it, which the
# configuration cannot show. Verdict: undecided.

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
