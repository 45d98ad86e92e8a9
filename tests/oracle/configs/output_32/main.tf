output "o" {
  value = [for s in ["a", "b"] : upper(s)]
}
