resource "terraform_data" "a" {
  input = true ? 1 : "a"
}

output "o" {
  value = terraform_data.a.input
}
