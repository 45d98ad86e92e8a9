resource "terraform_data" "a" {
  triggers_replace = range(3)
}
