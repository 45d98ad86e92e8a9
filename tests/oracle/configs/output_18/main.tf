output "o" {
  value = [null]
}
