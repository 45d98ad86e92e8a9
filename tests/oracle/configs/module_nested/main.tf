module "outer" {
  source = "./modules/m"
}

output "o" {
  value = module.outer.inner
}
