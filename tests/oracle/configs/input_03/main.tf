resource "terraform_data" "a" {
  input = 1.5
}

output "o" {
  value = terraform_data.a.input
}
