output "o" {
  value = true ? 1 : "a"
}
