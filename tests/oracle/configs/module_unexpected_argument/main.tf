module "m" {
  source = "./modules/m"
  name   = "x"
  nope   = 1
}
