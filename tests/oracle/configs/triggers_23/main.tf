resource "terraform_data" "a" {
  triggers_replace = pow(2, 60)
}
