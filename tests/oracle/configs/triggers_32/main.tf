resource "terraform_data" "a" {
  triggers_replace = [for s in ["a", "b"] : upper(s)]
}
