output "o" {
  value = -0.25
}
