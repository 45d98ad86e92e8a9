output "o" {
  value = {a = [1, {b = null}]}
}
