output "o" {
  value = [1, 2]
}
