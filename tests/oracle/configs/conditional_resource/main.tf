variable "on" {
  type    = bool
  default = false
}

resource "terraform_data" "a" {
  count = var.on ? 1 : 0
}

output "id" {
  value = one(terraform_data.a[*].id)
}
