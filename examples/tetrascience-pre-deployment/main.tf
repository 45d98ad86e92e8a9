# Seed 004's pre-deployment tasks through modules/tetrascience/pre-deployment: apply this
# before examples/tetrascience.

provider "aws" {
  region = var.region
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "admin_public_key" {
  type = string
}

variable "web_domain" {
  type    = string
  default = "tdp.acme.example.com"
}

variable "web_zone_id" {
  type = string
}

variable "box_client_id" {
  type      = string
  sensitive = true
}

variable "box_client_secret" {
  type      = string
  sensitive = true
}

variable "egnyte_client_id" {
  type      = string
  default   = null
  sensitive = true
}

variable "integration_parameters" {
  description = "Other ECS settings: by their path under /tetrascience/production/ECS/, or in full (the seed puts some under /uat/)."
  type        = map(string)
  default     = {}
  sensitive   = true
}

module "pre" {
  source = "../../modules/tetrascience/pre-deployment"

  admin_public_key          = var.admin_public_key
  source_notification_email = "tdp-noreply@acme.example.com"
  web_domain                = var.web_domain
  web_zone_id               = var.web_zone_id
  box = {
    client_id     = var.box_client_id
    client_secret = var.box_client_secret
  }
  egnyte                 = var.egnyte_client_id == null ? null : { client_id = var.egnyte_client_id }
  integration_parameters = var.integration_parameters
}

output "web_certificate_arn" {
  value = module.pre.web_certificate_arn
}

output "service_linked_roles" {
  value = module.pre.service_linked_roles
}

output "manual_steps" {
  value = module.pre.manual_steps
}
