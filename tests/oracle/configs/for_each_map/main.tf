resource "terraform_data" "a" {
  for_each = {x = 1, y = 2}
  input    = "${each.key}=${each.value}"
}

output "keys" {
  value = keys(terraform_data.a)
}
