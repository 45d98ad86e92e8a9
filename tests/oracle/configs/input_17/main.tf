resource "terraform_data" "a" {
  input = tomap({a = "1", b = "2"})
}

output "o" {
  value = terraform_data.a.input
}
