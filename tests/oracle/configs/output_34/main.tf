output "o" {
  value = flatten([[1], [2, [3]]])
}
