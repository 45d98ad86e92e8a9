locals {
  v = [for s in ["a", "b"] : upper(s)]
}

resource "terraform_data" "a" {
  for_each = toset(["k"])
  input    = { v = local.v, k = each.key }
}
