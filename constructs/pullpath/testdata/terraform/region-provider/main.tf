# The write-up's fixed configuration (writeup-fixed), whose provider's region is eu-west-1, with an
# image in us-east-1's private ECR. The provider pins the region: the image is another region's,
# its layers come from S3 in us-east-1, which the eu-west-1 gateway cannot serve, and the tasks
# have no way out. Verdict: broken (PRIVATEPULL-IMAGE-REGISTRY).

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
