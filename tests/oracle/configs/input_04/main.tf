resource "terraform_data" "a" {
  input = -0.25
}

output "o" {
  value = terraform_data.a.input
}
