variable "e" {
  type      = string
  default   = "s3cret"
  ephemeral = true
}

resource "terraform_data" "a" {
  input = false ? var.e : "plain"
}
