resource "terraform_data" "a" {
  triggers_replace = jsonencode({a = [1, "x"]})
}
