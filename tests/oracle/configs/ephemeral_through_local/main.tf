variable "e" {
  type      = string
  default   = "s3cret"
  ephemeral = true
}

locals {
  l = "x-${var.e}"
}

resource "terraform_data" "a" {
  input = local.l
}
