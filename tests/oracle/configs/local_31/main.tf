locals {
  v = {for k, v in {b = 1, a = 2} : k => v * 2}
}

resource "terraform_data" "a" {
  for_each = toset(["k"])
  input    = { v = local.v, k = each.key }
}
