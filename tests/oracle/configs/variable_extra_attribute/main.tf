variable "o" {
  type    = object({ name = string })
  default = { name = "n", extra = 1 }
}

resource "terraform_data" "a" {
  input = var.o
}
