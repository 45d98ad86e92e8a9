output "o" {
  value = tomap({a = "1", b = "2"})
}
