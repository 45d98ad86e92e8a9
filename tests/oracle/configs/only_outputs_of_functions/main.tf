output "t" {
  value = templatestring("x${1 + 1}", {})
}
