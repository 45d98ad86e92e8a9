resource "terraform_data" "a" {
  input = {"k-1" = true}
}

output "o" {
  value = terraform_data.a.input
}
