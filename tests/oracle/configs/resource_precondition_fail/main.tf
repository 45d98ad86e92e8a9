resource "terraform_data" "a" {
  input = 1
  lifecycle {
    precondition {
      condition     = 1 > 2
      error_message = "One is not more than two."
    }
  }
}
