resource "terraform_data" "src" {
  input = "k"
}

resource "terraform_data" "a" {
  for_each = toset([terraform_data.src.output])
}
