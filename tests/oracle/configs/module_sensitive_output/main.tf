module "m" {
  source = "./modules/m"
}

output "o" {
  value     = module.m.secret
  sensitive = true
}
