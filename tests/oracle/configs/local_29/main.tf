locals {
  v = split(",", "a,b,,c")
}

resource "terraform_data" "a" {
  for_each = toset(["k"])
  input    = { v = local.v, k = each.key }
}
