output "o" {
  value = "é"
}
