output "secret" {
  value     = "s"
  sensitive = true
}

resource "terraform_data" "r" {
  input = "x"
}
