output "o" {
  value = range(3)
}
