output "o" {
  value = 1
  precondition {
    condition     = true
    error_message = "Never."
  }
}
