# Seed 004's pre-deployment tasks: what must exist before the data layer.

locals {
  request     = var.web_certificate == "request"
  self_signed = var.web_certificate == "self-signed"
}

# AWS service-linked roles for ECS and Elasticsearch.
resource "aws_iam_service_linked_role" "service" {
  for_each         = toset(["ecs.amazonaws.com", "es.amazonaws.com"])
  aws_service_name = each.value
  adopt_existing   = var.adopt_existing_service_linked_roles
}

# Elasticsearch writes its application logs to CloudWatch Logs.
data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

resource "aws_cloudwatch_log_resource_policy" "es2cloudwatch" {
  policy_name = "es2cloudwatch"
  policy_document = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "eslogs"
      Effect    = "Allow"
      Principal = { Service = "es.amazonaws.com" }
      Action    = ["logs:PutLogEvents", "logs:PutLogEventsBatch", "logs:CreateLogStream"]
      Resource  = "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.name}:${data.aws_caller_identity.current.account_id}:log-group:*"
    }]
  })
}

# Admin access to the EKS worker nodes.
resource "aws_key_pair" "admin" {
  key_name   = var.key_pair_name
  public_key = var.admin_public_key
}

# The sender of notification emails; SES sends it a verification email.
resource "aws_sesv2_email_identity" "sender" {
  email_identity = var.source_notification_email
}

# Box, Egnyte and SSO settings of the ECS services: the seed's table for box and egnyte, then
# any other by its path under /tetrascience/<environment>/ECS/ or in full.
locals {
  integration = merge(
    var.box == null ? {} : {
      "ts-service-link-file/BOX_CLIENT_ID"     = var.box.client_id
      "ts-service-web/INT_BOX_CLIENT_ID"       = var.box.client_id
      "ts-service-link-file/BOX_CLIENT_SECRET" = var.box.client_secret
    },
    var.egnyte == null ? {} : {
      "ts-service-web/INT_EGNYTE_CLIENT_ID" = var.egnyte.client_id
    },
    var.integration_parameters,
  )
}

resource "aws_ssm_parameter" "integration" {
  for_each = nonsensitive(toset(keys(local.integration)))
  name     = startswith(each.value, "/") ? each.value : "/tetrascience/${var.environment}/ECS/${each.value}"
  type     = "SecureString"
  value    = local.integration[each.value]
}

# With web_certificate = "self-signed": the seed's self-generated RSA 2048 certificate for the
# domain and its api. subdomain, made here and imported below; renewed (and re-imported under
# the same ARN) by the first apply in its last 30 days.
resource "tls_private_key" "web" {
  count     = local.self_signed ? 1 : 0
  algorithm = "RSA"
  rsa_bits  = 2048
}

resource "tls_self_signed_cert" "web" {
  count           = local.self_signed ? 1 : 0
  private_key_pem = tls_private_key.web[0].private_key_pem
  subject {
    common_name = var.web_domain
  }
  dns_names             = [var.web_domain, "api.${var.web_domain}"]
  validity_period_hours = var.self_signed_validity_days * 24
  early_renewal_hours   = 30 * 24
  allowed_uses          = ["key_encipherment", "digital_signature", "server_auth"]
}

# The web certificate: requested with DNS validation, or imported (RSA 1024 or 2048 only).
resource "aws_acm_certificate" "web" {
  domain_name       = local.request ? var.web_domain : null
  validation_method = local.request ? "DNS" : null
  # The seed: the certificate covers the domain and its api. subdomain.
  subject_alternative_names = local.request ? ["api.${var.web_domain}"] : null
  certificate_body          = local.request ? null : (local.self_signed ? tls_self_signed_cert.web[0].cert_pem : var.certificate_body)
  private_key               = local.request ? null : (local.self_signed ? tls_private_key.web[0].private_key_pem : var.certificate_private_key)
  certificate_chain         = local.request || local.self_signed ? null : var.certificate_chain

  lifecycle {
    create_before_destroy = true
    precondition {
      condition     = local.request ? var.web_zone_id != null : (local.self_signed || (var.certificate_body != null && var.certificate_private_key != null))
      error_message = "web_certificate = request needs web_zone_id; import needs certificate_body and certificate_private_key."
    }
    postcondition {
      condition     = contains(["RSA_1024", "RSA_2048"], self.key_algorithm)
      error_message = "The platform supports RSA 1024 and 2048 bit certificates only; this certificate's key is ${self.key_algorithm}."
    }
    # The seed: the certificate must cover the domain's api. subdomain too (a wildcard does).
    postcondition {
      condition = local.request || length(setintersection(
        toset(concat([self.domain_name], tolist(self.subject_alternative_names))),
        toset(["api.${var.web_domain}", "*.${var.web_domain}"]),
      )) > 0
      error_message = "The imported certificate does not cover api.${var.web_domain}, which the platform serves its API at: import one whose names include it (or *.${var.web_domain}). It names ${join(", ", distinct(concat([self.domain_name], tolist(self.subject_alternative_names))))}."
    }
  }
}

resource "aws_route53_record" "web_validation" {
  for_each = local.request ? {
    for dvo in aws_acm_certificate.web.domain_validation_options : dvo.domain_name => dvo
  } : {}

  allow_overwrite = true
  zone_id         = var.web_zone_id
  name            = each.value.resource_record_name
  type            = each.value.resource_record_type
  records         = [each.value.resource_record_value]
  ttl             = 60
}

resource "aws_acm_certificate_validation" "web" {
  count                   = local.request ? 1 : 0
  certificate_arn         = aws_acm_certificate.web.arn
  validation_record_fqdns = [for r in aws_route53_record.web_validation : r.fqdn]
}

# The seed: the deployer is added to the imported portfolio, so that it may launch the layers'
# products (importing it takes the code TetraScience sends, in the console: see manual_steps).
resource "aws_servicecatalog_principal_portfolio_association" "deployer" {
  for_each      = var.portfolio_principals == null ? toset([]) : toset(var.portfolio_principals.principal_arns)
  portfolio_id  = var.portfolio_principals.portfolio_id
  principal_arn = each.value
}
