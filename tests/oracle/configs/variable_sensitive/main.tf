variable "p" {
  type      = string
  default   = "secret"
  sensitive = true
}

resource "terraform_data" "a" {
  input = var.p
}
