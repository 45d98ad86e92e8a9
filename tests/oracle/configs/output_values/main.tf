output "n" {
  value = 1
}

output "l" {
  value = [1, "a"]
}

output "m" {
  value = {a = null}
}

output "nul" {
  value = null
}
