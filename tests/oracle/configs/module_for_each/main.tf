module "m" {
  source   = "./modules/m"
  for_each = {a = 1, b = 2}
  name     = "${each.key}${each.value}"
}

output "o" {
  value = { for k, m in module.m : k => m.out }
}
