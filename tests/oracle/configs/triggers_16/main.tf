resource "terraform_data" "a" {
  triggers_replace = toset(["b", "a"])
}
