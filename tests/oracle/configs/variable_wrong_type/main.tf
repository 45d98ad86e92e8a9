variable "n" {
  type    = number
  default = "abc"
}

resource "terraform_data" "a" {
  input = var.n
}
