resource "terraform_data" "a" {
  triggers_replace = tolist(["a", "b"])
}
