resource "terraform_data" "a" {
  input = tolist(["a", "b"])
}

output "o" {
  value = terraform_data.a.input
}
