resource "terraform_data" "a" {
  input = 1
  lifecycle {
    postcondition {
      condition     = self.output == 1
      error_message = "Output differs."
    }
  }
}
