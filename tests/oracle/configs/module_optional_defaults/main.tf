module "m" {
  source = "./modules/m"
  cfg    = { name = "n" }
}

output "o" {
  value = module.m.out
}
