resource "terraform_data" "a" {
  triggers_replace = flatten([[1], [2, [3]]])
}
