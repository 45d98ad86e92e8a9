variable "p" {
  type      = string
  default   = "secret"
  sensitive = true
}

output "o" {
  value     = var.p
  sensitive = true
}
