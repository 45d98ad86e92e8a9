output "o" {
  value = format("%05.1f", 3.14159)
}
