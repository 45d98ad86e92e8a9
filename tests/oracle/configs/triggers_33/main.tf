resource "terraform_data" "a" {
  triggers_replace = merge({a = 1}, {b = 2})
}
