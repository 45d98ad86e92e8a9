resource "terraform_data" "a" {
  input = jsonencode({a = [1, "x"]})
}

output "o" {
  value = terraform_data.a.input
}
