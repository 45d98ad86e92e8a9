output "o" {
  value = {for k, v in {b = 1, a = 2} : k => v * 2}
}
