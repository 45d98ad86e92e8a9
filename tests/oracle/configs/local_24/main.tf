locals {
  v = jsonencode({a = [1, "x"]})
}

resource "terraform_data" "a" {
  for_each = toset(["k"])
  input    = { v = local.v, k = each.key }
}
