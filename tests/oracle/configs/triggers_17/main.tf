resource "terraform_data" "a" {
  triggers_replace = tomap({a = "1", b = "2"})
}
