locals {
  v = sensitive("s")
}

resource "terraform_data" "a" {
  for_each = toset(["k"])
  input    = { v = local.v, k = each.key }
}
