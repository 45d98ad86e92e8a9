resource "terraform_data" "a" {
  triggers_replace = sensitive("s")
}
