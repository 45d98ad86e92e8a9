variable "e" {
  type      = string
  default   = "s3cret"
  ephemeral = true
}

module "m" {
  source = "./modules/m"
  name   = var.e
}
