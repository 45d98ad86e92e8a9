resource "terraform_data" "a" {
  count = 0
  input = count.index
}
