output "o" {
  value = sensitive("s")
}
