variable "v" {}
resource "terraform_data" "e" { input = var.v }
output "out" { value = terraform_data.e.output }
