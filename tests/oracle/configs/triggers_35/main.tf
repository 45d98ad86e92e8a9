resource "terraform_data" "a" {
  triggers_replace = cidrsubnets("10.0.0.0/16", 4, 4)
}
