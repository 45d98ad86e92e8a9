resource "terraform_data" "a" {
  input = format("%05.1f", 3.14159)
}

output "o" {
  value = terraform_data.a.input
}
