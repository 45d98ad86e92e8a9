resource "terraform_data" "a" {
  for_each = toset(["x", "y"])
  input    = each.key
}

output "inputs" {
  value = [for k, r in terraform_data.a : r.input]
}
