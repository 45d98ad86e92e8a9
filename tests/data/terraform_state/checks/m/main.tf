variable "w" {
  default = "x"
  validation {
    condition     = length(var.w) > 0
    error_message = "empty"
  }
}
resource "terraform_data" "i" {
  lifecycle {
    postcondition {
      condition     = self.id != ""
      error_message = "id"
    }
  }
}
