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

# The service's certificate lives in us-east-1, where CloudFront takes certificates from.
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"
}

variable "region" {
  description = "Region of the InfinStor service."
  type        = string
  default     = "us-east-1"
}

variable "subdomain" {
  description = "The service's name under the domain; \"\" for the domain itself."
  type        = string
  default     = "infinstor"
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
  source    = "../../modules/infinstor-service"
  providers = { aws = aws, aws.us_east_1 = aws.us_east_1 }

  domain          = var.domain
  subdomain       = var.subdomain
  dns             = var.dns
  certificate_arn = var.certificate_arn
  template_body   = file("${path.module}/infinstor-root.json")
  # The names infinstor-root.json's Parameters section gives them.
  stack_parameter_names = {
    certificate_arn = "CertificateArn"
    domain_name     = "DomainName"
    hosted_zone_id  = "HostedZoneId"
  }
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

output "installer_policy_json" {
  value = module.service.installer_policy_json
}
