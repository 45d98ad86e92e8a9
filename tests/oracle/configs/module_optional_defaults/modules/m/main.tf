variable "cfg" {
  type = object({
    name  = string
    size  = optional(number, 10)
    extra = optional(list(string))
  })
}

resource "terraform_data" "r" {
  input = var.cfg
}

output "out" {
  value = var.cfg
}
