region    = "us-west-2"
vpc_cidr  = "10.50.0.0/16"
image_tag = "from-tfvars"
