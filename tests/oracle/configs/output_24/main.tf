output "o" {
  value = jsonencode({a = [1, "x"]})
}
