output "o" {
  value = 1
  precondition {
    condition     = false
    error_message = "Never."
  }
}
