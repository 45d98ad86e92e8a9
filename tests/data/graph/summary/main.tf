resource "terraform_data" "a" { input = "x" }
resource "terraform_data" "z" { input = "x" }
resource "terraform_data" "b" { input = [terraform_data.a.output, terraform_data.z.output] }
resource "terraform_data" "c" {
  count = 2
  input = terraform_data.a.output
}
module "m" {
  source = "./m"
  v = terraform_data.b.output
}
module "k" {
  source = "./m"
  for_each = toset(["x"])
  v = terraform_data.z.output
}
resource "terraform_data" "after" { input = module.m.out }
