locals {
  v = flatten([[1], [2, [3]]])
}

resource "terraform_data" "a" {
  for_each = toset(["k"])
  input    = { v = local.v, k = each.key }
}
