resource "terraform_data" "a" {
  triggers_replace = {a = [1, {b = null}]}
}
