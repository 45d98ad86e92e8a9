locals {
  a = local.b
  b = local.a
}

resource "terraform_data" "a" {
  input = local.a
}
