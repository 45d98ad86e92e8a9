output "o" {
  value = true
}
