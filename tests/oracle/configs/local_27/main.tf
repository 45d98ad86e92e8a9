locals {
  v = format("%05.1f", 3.14159)
}

resource "terraform_data" "a" {
  for_each = toset(["k"])
  input    = { v = local.v, k = each.key }
}
