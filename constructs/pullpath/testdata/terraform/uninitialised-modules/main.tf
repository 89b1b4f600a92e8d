module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "~> 5.0"
  name = "x"
  cidr = "10.0.0.0/16"
  azs = ["eu-west-1a","eu-west-1b"]
  private_subnets = ["10.0.1.0/24","10.0.2.0/24"]
  public_subnets = ["10.0.101.0/24","10.0.102.0/24"]
  enable_nat_gateway = true
}
module "ecs_service" {
  source = "terraform-aws-modules/ecs/aws//modules/service"
  name = "svc"
  cluster_arn = "arn:aws:ecs:eu-west-1:123456789012:cluster/x"
  subnet_ids = module.vpc.private_subnets
  container_definitions = { app = { image = "nginx" } }
}
