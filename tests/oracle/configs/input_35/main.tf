resource "terraform_data" "a" {
  input = cidrsubnets("10.0.0.0/16", 4, 4)
}

output "o" {
  value = terraform_data.a.input
}
