variable "e" {
  type      = string
  default   = "s3cret"
  ephemeral = true
}

locals {
  m = { a = var.e, b = "x" }
}

resource "terraform_data" "a" {
  input = local.m["b"]
}
