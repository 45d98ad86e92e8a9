locals {
  v = tomap({a = "1", b = "2"})
}

resource "terraform_data" "a" {
  for_each = toset(["k"])
  input    = { v = local.v, k = each.key }
}
