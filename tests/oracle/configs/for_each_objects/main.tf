locals {
  users = {
    ann = { admin = true }
    bob = { admin = false }
  }
}

resource "terraform_data" "u" {
  for_each = { for k, v in local.users : k => v if v.admin }
  input    = each.value
}
