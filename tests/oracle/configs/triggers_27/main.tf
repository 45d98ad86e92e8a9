resource "terraform_data" "a" {
  triggers_replace = format("%05.1f", 3.14159)
}
