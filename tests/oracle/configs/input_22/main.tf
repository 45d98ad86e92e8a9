resource "terraform_data" "a" {
  input = 0.1 + 0.2
}

output "o" {
  value = terraform_data.a.input
}
