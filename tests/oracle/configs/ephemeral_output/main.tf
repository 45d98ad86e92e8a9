variable "e" {
  type      = string
  default   = "s3cret"
  ephemeral = true
}

output "o" {
  value = var.e
}
