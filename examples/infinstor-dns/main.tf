# Seed 000: the InfinStor service's DNS, certificate and root stack. Everything is in
# modules/infinstor-service; this is one call of it. The defaults are scenario #1 (the domain
# is a Route 53 hosted zone, the certificate is requested here); set dns = "manual" and/or
# certificate_arn for scenarios #2 to #4.
#
# infinstor-root.json is a small stand-in for the InfinStor root stack with the same
# parameters and exports.

provider "aws" {
  region = var.region
}

variable "region" {
  description = "Region of the InfinStor service (ACM certificates for it live here too)."
  type        = string
  default     = "us-east-1"
}

variable "domain" {
  description = "Your domain, e.g. yourcompany.com."
  type        = string
  default     = "example.com"
}

variable "dns" {
  description = "route53 or manual."
  type        = string
  default     = "route53"
}

variable "certificate_arn" {
  description = "A wildcard certificate you already have; null requests one."
  type        = string
  default     = null
}

module "service" {
  source          = "../../modules/infinstor-service"
  domain          = var.domain
  dns             = var.dns
  certificate_arn = var.certificate_arn
  template_body   = file("${path.module}/infinstor-root.json")
}

output "certificate_arn" {
  value = module.service.certificate_arn
}

output "endpoints" {
  value = module.service.endpoints
}

output "dns_records_to_create" {
  value = module.service.dns_records_to_create
}
