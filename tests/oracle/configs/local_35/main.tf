locals {
  v = cidrsubnets("10.0.0.0/16", 4, 4)
}

resource "terraform_data" "a" {
  for_each = toset(["k"])
  input    = { v = local.v, k = each.key }
}
