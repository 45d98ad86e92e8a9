resource "terraform_data" "a" {
  input = true
}

output "o" {
  value = terraform_data.a.input
}
