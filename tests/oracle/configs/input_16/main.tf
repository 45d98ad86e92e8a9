resource "terraform_data" "a" {
  input = toset(["b", "a"])
}

output "o" {
  value = terraform_data.a.input
}
