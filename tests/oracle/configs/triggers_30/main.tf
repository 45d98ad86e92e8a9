resource "terraform_data" "a" {
  triggers_replace = true ? 1 : "a"
}
