resource "terraform_data" "a" {
  input = {a = [1, {b = null}]}
}

output "o" {
  value = terraform_data.a.input
}
