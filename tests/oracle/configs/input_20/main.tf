resource "terraform_data" "a" {
  input = sensitive("s")
}

output "o" {
  value = terraform_data.a.input
}
