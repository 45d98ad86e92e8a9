variable "v" {
  type = string
}

resource "terraform_data" "a" {
  input = var.v
}
