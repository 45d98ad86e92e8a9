variable "s" {
  type    = set(string)
  default = ["b", "a", "b"]
}

resource "terraform_data" "a" {
  input = var.s
}
