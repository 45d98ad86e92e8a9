module "m" {
  source = "./modules/m"
  in     = "s3cret"
}

resource "terraform_data" "a" {
  input = ephemeralasnull(module.m.out)
}
