output "o" {
  value = {"k-1" = true}
}
