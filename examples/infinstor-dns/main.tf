# Seed 000, scenario #1: the domain is hosted in Route 53 and the certificate is created in ACM.
#
# One `infinstor apply` looks up the hosted zone, requests a certificate for
# *.infinstor.<domain> and infinstor.<domain>, validates it by DNS in that zone, creates the
# root stack with the certificate ARN, and points the five subdomains (api, mlflow, mlflowui,
# mlflowstatic, service) at the stack's exports (infinstor:ApiARecord, ...).
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
  description = "The Route 53 hosted zone, e.g. yourcompany.com."
  type        = string
  default     = "example.com"
}

variable "subdomain" {
  description = "The service is installed at <subdomain>.<domain>."
  type        = string
  default     = "infinstor"
}

locals {
  service_domain = "${var.subdomain}.${var.domain}"
  # Subdomain -> the name of the stack export holding its target (infinstor:<Name>ARecord).
  targets = {
    api          = "Api"
    mlflow       = "MlflowRestApi"
    mlflowui     = "MlflowUi"
    mlflowstatic = "MlflowStatic"
    service      = "Service"
  }
}

data "aws_route53_zone" "main" {
  name = var.domain
}

resource "aws_acm_certificate" "infinstor" {
  domain_name               = "*.${local.service_domain}"
  subject_alternative_names = [local.service_domain]
  validation_method         = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

# The Terraform documentation's pattern: one validation record per domain, keys known at plan.
resource "aws_route53_record" "validation" {
  for_each = {
    for dvo in aws_acm_certificate.infinstor.domain_validation_options : dvo.domain_name => {
      name   = dvo.resource_record_name
      record = dvo.resource_record_value
      type   = dvo.resource_record_type
    }
  }

  allow_overwrite = true
  zone_id         = data.aws_route53_zone.main.zone_id
  name            = each.value.name
  type            = each.value.type
  records         = [each.value.record]
  ttl             = 60
}

resource "aws_acm_certificate_validation" "infinstor" {
  certificate_arn         = aws_acm_certificate.infinstor.arn
  validation_record_fqdns = [for record in aws_route53_record.validation : record.fqdn]
}

resource "aws_cloudformation_stack" "root" {
  name          = "infinstor"
  template_body = file("${path.module}/infinstor-root.json")
  capabilities  = ["CAPABILITY_IAM"]

  parameters = {
    CertificateArn = aws_acm_certificate_validation.infinstor.certificate_arn
    DomainName     = local.service_domain
    HostedZoneId   = data.aws_route53_zone.main.zone_id
  }
}

data "aws_cloudformation_export" "target" {
  for_each   = local.targets
  name       = "infinstor:${each.value}ARecord"
  depends_on = [aws_cloudformation_stack.root]
}

resource "aws_route53_record" "subdomain" {
  for_each = local.targets

  zone_id = data.aws_route53_zone.main.zone_id
  name    = "${each.key}.${local.service_domain}"
  type    = "CNAME"
  ttl     = 300
  records = [data.aws_cloudformation_export.target[each.key].value]
}

output "certificate_arn" {
  value = aws_acm_certificate_validation.infinstor.certificate_arn
}

output "endpoints" {
  value = { for k, r in aws_route53_record.subdomain : k => r.fqdn }
}
