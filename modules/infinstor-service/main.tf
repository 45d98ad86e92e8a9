# Seed 000: the InfinStor service's DNS, certificate and root stack, in all four scenarios
# (Route 53 or DNS elsewhere, x certificate requested here or supplied).

locals {
  service_domain = "${var.subdomain}.${var.domain}"
  route53        = var.dns == "route53"
  request_cert   = var.certificate_arn == null
  # Subdomain -> the stack export naming its target (infinstor:<Name>ARecord).
  targets = {
    api          = "Api"
    mlflow       = "MlflowRestApi"
    mlflowui     = "MlflowUi"
    mlflowstatic = "MlflowStatic"
    service      = "Service"
  }
  zone_id = one(data.aws_route53_zone.main[*].zone_id)
}

data "aws_route53_zone" "main" {
  count = local.route53 ? 1 : 0
  name  = coalesce(var.zone_name, var.domain)
}

resource "aws_acm_certificate" "service" {
  count                     = local.request_cert ? 1 : 0
  domain_name               = "*.${local.service_domain}"
  subject_alternative_names = [local.service_domain]
  validation_method         = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  validation_options = flatten(aws_acm_certificate.service[*].domain_validation_options)
}

resource "aws_route53_record" "validation" {
  for_each = {
    for dvo in local.validation_options : dvo.domain_name => {
      name   = dvo.resource_record_name
      record = dvo.resource_record_value
      type   = dvo.resource_record_type
    } if local.route53
  }

  allow_overwrite = true
  zone_id         = local.zone_id
  name            = each.value.name
  type            = each.value.type
  records         = [each.value.record]
  ttl             = 60
}

# With DNS elsewhere, this waits until the validation records (named in its progress lines and
# in the dns_records_to_create output) exist at the DNS provider.
resource "aws_acm_certificate_validation" "service" {
  count                   = local.request_cert ? 1 : 0
  certificate_arn         = aws_acm_certificate.service[0].arn
  validation_record_fqdns = local.route53 ? [for r in aws_route53_record.validation : r.fqdn] : null
}

locals {
  certificate_arn = local.request_cert ? one(aws_acm_certificate_validation.service[*].certificate_arn) : var.certificate_arn
}

resource "aws_cloudformation_stack" "root" {
  name          = var.stack_name
  template_body = var.template_body
  template_url  = var.template_url
  # The root stack deploys serverless applications as nested stacks.
  capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]

  parameters = merge(var.stack_parameters, {
    CertificateArn = local.certificate_arn
    DomainName     = local.service_domain
    HostedZoneId   = local.route53 && var.records_created_by_stack ? local.zone_id : ""
  })
}

data "aws_cloudformation_export" "target" {
  for_each   = local.targets
  name       = "infinstor:${each.value}ARecord"
  depends_on = [aws_cloudformation_stack.root]
}

resource "aws_route53_record" "subdomain" {
  for_each = local.route53 && !var.records_created_by_stack ? local.targets : {}

  zone_id = local.zone_id
  name    = "${each.key}.${local.service_domain}"
  type    = "CNAME"
  ttl     = 300
  records = [data.aws_cloudformation_export.target[each.key].value]
}
