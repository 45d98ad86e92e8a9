check "c" {
  assert {
    condition     = 1 == 2
    error_message = "Not equal."
  }
}

resource "terraform_data" "a" {
  input = 1
}
