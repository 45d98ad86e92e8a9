module "inner" {
  source = "./inner"
}

output "inner" {
  value = module.inner.v
}
