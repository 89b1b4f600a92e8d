# No ingress or egress block: the adopted default ACL keeps no rule.
resource "aws_default_network_acl" "default" {
  default_network_acl_id = aws_vpc.main.default_network_acl_id
}
