resource "terraform_data" "a" {
  input = {a = 1, b = "x"}
}

output "o" {
  value = terraform_data.a.input
}
