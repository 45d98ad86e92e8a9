variable "n" {
  type    = number
  default = "12"
}

variable "l" {
  type    = list(string)
  default = [1, true]
}

resource "terraform_data" "a" {
  input = [var.n, var.l]
}
