variable "v" {}
resource "terraform_data" "c" { input = var.v }
resource "terraform_data" "d" { input = terraform_data.c.output }
module "n" {
  source = "./n"
  v = terraform_data.d.output
}
output "out" { value = module.n.out }
