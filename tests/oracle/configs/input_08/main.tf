resource "terraform_data" "a" {
  input = "é"
}

output "o" {
  value = terraform_data.a.input
}
