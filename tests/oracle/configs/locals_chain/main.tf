locals {
  a = 1
  b = local.a + 1
  c = [local.a, local.b]
}

resource "terraform_data" "a" {
  input = local.c
}

output "c" {
  value = local.c
}
