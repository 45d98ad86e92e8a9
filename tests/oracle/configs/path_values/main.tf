output "m" {
  value = path.module
}

output "r" {
  value = path.root
}
