resource "terraform_data" "a" {
  input = {for k, v in {b = 1, a = 2} : k => v * 2}
}

output "o" {
  value = terraform_data.a.input
}
