output "o" {
  value = tolist(["a", "b"])
}
