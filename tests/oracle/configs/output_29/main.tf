output "o" {
  value = split(",", "a,b,,c")
}
