resource "terraform_data" "a" {
  triggers_replace = {"k-1" = true}
}
