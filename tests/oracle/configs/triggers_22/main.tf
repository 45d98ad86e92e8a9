resource "terraform_data" "a" {
  triggers_replace = 0.1 + 0.2
}
