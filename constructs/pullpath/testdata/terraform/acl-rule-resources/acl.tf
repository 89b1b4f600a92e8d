resource "aws_network_acl" "private" {
  vpc_id = aws_vpc.main.id
}

resource "aws_network_acl_association" "private" {
  count          = 2
  subnet_id      = aws_subnet.private[count.index].id
  network_acl_id = aws_network_acl.private.id
}

# The rules as terraform-aws-modules/vpc writes them: a list of maps, one
# aws_network_acl_rule per element, optional keys read with lookup(..., null).
variable "private_acl_rules" {
  type = list(map(string))
  default = [
    { rule_number = 100, egress = true, rule_action = "allow", protocol = "tcp", from_port = 443, to_port = 443, cidr_block = "0.0.0.0/0" },
    { rule_number = 100, egress = false, rule_action = "allow", protocol = "tcp", from_port = 443, to_port = 443, cidr_block = "10.0.0.0/16" },
  ]
}

resource "aws_network_acl_rule" "private" {
  count           = length(var.private_acl_rules)
  network_acl_id  = aws_network_acl.private.id
  rule_number     = var.private_acl_rules[count.index]["rule_number"]
  egress          = var.private_acl_rules[count.index]["egress"]
  rule_action     = var.private_acl_rules[count.index]["rule_action"]
  protocol        = var.private_acl_rules[count.index]["protocol"]
  from_port       = lookup(var.private_acl_rules[count.index], "from_port", null)
  to_port         = lookup(var.private_acl_rules[count.index], "to_port", null)
  cidr_block      = lookup(var.private_acl_rules[count.index], "cidr_block", null)
  ipv6_cidr_block = lookup(var.private_acl_rules[count.index], "ipv6_cidr_block", null)
}
