resource "terraform_data" "src" {
  input = 2
}

resource "terraform_data" "a" {
  count = terraform_data.src.output
}
