locals {
  v = true ? 1 : "a"
}

resource "terraform_data" "a" {
  for_each = toset(["k"])
  input    = { v = local.v, k = each.key }
}
