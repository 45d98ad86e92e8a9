resource "terraform_data" "a" {
  input = [for s in ["a", "b"] : upper(s)]
}

output "o" {
  value = terraform_data.a.input
}
