variable "o" {
  type = object({
    name = string
    size = optional(number, 3)
    tags = optional(map(string), {})
  })
  default = { name = "n" }
}

resource "terraform_data" "a" {
  input = var.o
}
