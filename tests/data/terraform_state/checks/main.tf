variable "v" {
  default = 3
  validation {
    condition     = var.v > 1
    error_message = "v must be more than 1."
  }
}
variable "plain" { default = 1 }
resource "terraform_data" "a" {
  count = 2
  input = var.v
  lifecycle {
    precondition {
      condition     = var.v < 10
      error_message = "small"
    }
    postcondition {
      condition     = self.output == var.v
      error_message = "same"
    }
  }
}
resource "terraform_data" "none" {
  count = 0
  lifecycle {
    precondition {
      condition     = var.v > 0
      error_message = "x"
    }
  }
}
output "o" {
  value = terraform_data.a[0].output
  precondition {
    condition     = var.v > 0
    error_message = "positive"
  }
}
check "c" {
  assert {
    condition     = var.v == 4
    error_message = "v is not 4"
  }
}
module "m" {
  source = "./m"
  count  = 1
}
