resource "terraform_data" "a" {
  for_each = toset(["b", "a"])
  input    = each.key
}
