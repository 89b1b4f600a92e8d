# The write-up's fixed configuration (writeup-fixed) with a network ACL written as
# aws_network_acl_rule resources and associated with aws_network_acl_association: tcp/443 out and
# in, but no rule for the replies on the ephemeral ports. ACLs are stateless, so the replies are
# dropped. Verdict: broken (PRIVATEPULL-NETWORK-ACL).

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
