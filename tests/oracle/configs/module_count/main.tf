module "m" {
  source = "./modules/m"
  count  = 2
  name   = "n${count.index}"
}

output "o" {
  value = module.m[*].out
}
