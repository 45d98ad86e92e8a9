resource "terraform_data" "a" {
  input = ephemeralasnull(terraform.applying)
}

output "o" {
  value = ephemeralasnull(terraform.applying)
}
