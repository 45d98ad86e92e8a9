output "o" {
  value = cidrsubnets("10.0.0.0/16", 4, 4)
}
