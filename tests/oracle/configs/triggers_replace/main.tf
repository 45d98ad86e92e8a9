resource "terraform_data" "a" {
  triggers_replace = [1, "x"]
  input            = {k = "v"}
}
