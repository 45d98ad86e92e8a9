variable "v" {
  type     = string
  nullable = false
  default  = "d"
}

resource "terraform_data" "a" {
  input = var.v
}
