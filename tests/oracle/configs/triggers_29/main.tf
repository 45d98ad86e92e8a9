resource "terraform_data" "a" {
  triggers_replace = split(",", "a,b,,c")
}
