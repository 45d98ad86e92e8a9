output "o" {
  value = merge({a = 1}, {b = 2})
}
