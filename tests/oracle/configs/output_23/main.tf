output "o" {
  value = pow(2, 60)
}
