output "o" {
  value = toset(["b", "a"])
}
