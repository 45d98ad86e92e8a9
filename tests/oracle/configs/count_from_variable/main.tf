variable "n" {
  type    = number
  default = 2
}

resource "terraform_data" "a" {
  count = var.n
  input = count.index * 10
}
