variable "e" {
  type      = string
  default   = "s3cret"
  ephemeral = true
}

resource "terraform_data" "a" {
  input = ephemeralasnull(var.e)
}

output "o" {
  value = ephemeralasnull({ e = var.e, p = "plain" })
}
