resource "terraform_data" "a" {
  input = pow(2, 60)
}

output "o" {
  value = terraform_data.a.input
}
