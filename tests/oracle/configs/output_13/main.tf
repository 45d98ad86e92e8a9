output "o" {
  value = {a = 1, b = "x"}
}
