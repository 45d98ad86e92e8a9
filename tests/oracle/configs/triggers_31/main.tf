resource "terraform_data" "a" {
  triggers_replace = {for k, v in {b = 1, a = 2} : k => v * 2}
}
