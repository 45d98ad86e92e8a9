variable "in" {
  type      = string
  ephemeral = true
}

output "out" {
  value     = var.in
  ephemeral = true
}
