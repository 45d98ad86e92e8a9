resource "terraform_data" "a" {
  input = split(",", "a,b,,c")
}

output "o" {
  value = terraform_data.a.input
}
