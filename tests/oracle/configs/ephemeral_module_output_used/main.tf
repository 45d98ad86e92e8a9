module "m" {
  source = "./modules/m"
  in     = "s3cret"
}

resource "terraform_data" "a" {
  input = module.m.out
}
