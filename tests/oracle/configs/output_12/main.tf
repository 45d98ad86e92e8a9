output "o" {
  value = {}
}
