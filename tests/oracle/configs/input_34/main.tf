resource "terraform_data" "a" {
  input = flatten([[1], [2, [3]]])
}

output "o" {
  value = terraform_data.a.input
}
