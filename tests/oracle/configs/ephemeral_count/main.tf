variable "n" {
  type      = number
  default   = 1
  ephemeral = true
}

resource "terraform_data" "a" {
  count = var.n
}
