output "o" {
  value = yamldecode("a: [1, yes]")
}
