resource "terraform_data" "a" {
  input = 1e3
}

output "o" {
  value = terraform_data.a.input
}
