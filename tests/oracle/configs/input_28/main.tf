resource "terraform_data" "a" {
  input = range(3)
}

output "o" {
  value = terraform_data.a.input
}
