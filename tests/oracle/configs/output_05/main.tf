output "o" {
  value = 1e3
}
