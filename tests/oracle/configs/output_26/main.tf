output "o" {
  value = upper("straße")
}
