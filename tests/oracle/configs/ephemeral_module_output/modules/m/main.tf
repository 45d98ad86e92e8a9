variable "in" {
  type      = string
  ephemeral = true
}

output "out" {
  value     = "x-${var.in}"
  ephemeral = true
}
