resource "terraform_data" "a" {
  input = {a = sensitive(1)}
}

output "o" {
  value = terraform_data.a.input
}
