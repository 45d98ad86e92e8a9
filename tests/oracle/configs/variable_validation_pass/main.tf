variable "v" {
  type    = string
  default = "ok"
  validation {
    condition     = length(var.v) > 1
    error_message = "Too short."
  }
}

resource "terraform_data" "a" {
  input = var.v
}
