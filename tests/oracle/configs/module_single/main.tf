module "m" {
  source = "./modules/m"
  name   = "x"
}

output "o" {
  value = module.m.out
}
