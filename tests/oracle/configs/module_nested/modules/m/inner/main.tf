output "v" {
  value = "deep"
}

resource "terraform_data" "d" {
  input = 1
}
