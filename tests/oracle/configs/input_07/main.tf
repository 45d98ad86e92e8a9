resource "terraform_data" "a" {
  input = ""
}

output "o" {
  value = terraform_data.a.input
}
