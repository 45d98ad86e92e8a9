resource "terraform_data" "a" {
  triggers_replace = yamldecode("a: [1, yes]")
}
