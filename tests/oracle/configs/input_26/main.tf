resource "terraform_data" "a" {
  input = upper("straße")
}

output "o" {
  value = terraform_data.a.input
}
