# The write-up's fixed configuration (writeup-fixed) with DHCP options that set a domain name
# and keep AmazonProvidedDNS: names resolve through the VPC resolver. Verdict: private.

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
