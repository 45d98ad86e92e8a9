# Seed 002: Metaflow's stack through modules/metaflow, its configuration written for the
# Metaflow client, and with enable_ui its UI's certificate and DNS record in Route 53.
#
# metaflow-cfn-template.yml must be Metaflow's own template (from Metaflow's tools
# repository); the tests use a small stand-in with the same parameters and outputs.

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "template_file" {
  description = "Metaflow's CloudFormation template."
  type        = string
  default     = "metaflow-cfn-template.yml"
}

variable "enable_ui" {
  type    = bool
  default = false
}

variable "ui_domain_name" {
  type    = string
  default = null
}

variable "ui_dns" {
  description = "route53, or manual for DNS elsewhere."
  type        = string
  default     = "route53"
}

variable "tags" {
  description = "Tags of the stack."
  type        = map(string)
  default     = {}
}

variable "config_path" {
  type    = string
  default = null
}

module "metaflow" {
  source = "../../modules/metaflow"

  template_body  = file(var.template_file)
  api_basic_auth = true
  custom_role    = true
  enable_ui      = var.enable_ui
  ui_domain_name = var.ui_domain_name
  ui_dns         = var.ui_dns
  tags           = var.tags
  config_path    = var.config_path
}

output "metaflow_config" {
  value     = module.metaflow.metaflow_config
  sensitive = true
}

output "custom_role_arn" {
  value = module.metaflow.custom_role_arn
}

output "ui_dns_record" {
  value = module.metaflow.ui_dns_record
}

output "ui_certificate_validation_records" {
  value = module.metaflow.ui_certificate_validation_records
}

output "manual_steps" {
  value = module.metaflow.manual_steps
}
