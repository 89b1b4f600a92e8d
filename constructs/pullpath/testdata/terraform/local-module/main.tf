# A root module that calls two local modules: the network (VPC, subnets,
# endpoints) and the app (ECS service). Addresses are module.NAME.... and
# values pass through module outputs and variables.

provider "aws" {
  region = "ap-southeast-2"
}

module "network" {
  source = "./modules/network"
  name   = "shop"
  cidr   = "10.20.0.0/16"
}

module "app" {
  source            = "./modules/app"
  name              = "shop"
  vpc_id            = module.network.vpc_id
  subnet_ids        = module.network.private_subnet_ids
  endpoints_sg_id   = module.network.endpoints_sg_id
  s3_prefix_list_id = module.network.s3_prefix_list_id
  image_tag         = "1.4.2"
}

output "service" {
  value = module.app.service_name
}
