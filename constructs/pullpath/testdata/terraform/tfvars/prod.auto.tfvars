dns_hostnames = true
subnet_cidrs  = ["10.50.1.0/24", "10.50.2.0/24"]
