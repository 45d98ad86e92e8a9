output "o" {
  value = {a = sensitive(1)}
}
