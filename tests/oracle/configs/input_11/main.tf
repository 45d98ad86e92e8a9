resource "terraform_data" "a" {
  input = ["a", 1]
}

output "o" {
  value = terraform_data.a.input
}
