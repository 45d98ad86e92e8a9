resource "terraform_data" "a" {
  input = yamldecode("a: [1, yes]")
}

output "o" {
  value = terraform_data.a.input
}
