# Seed 000: the InfinStor service's DNS, certificate and root stack, in all four scenarios
# (Route 53 or DNS elsewhere, x certificate requested here or supplied).

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
      # The certificate lives in us-east-1, where CloudFront (the service's web front ends) and
      # edge-optimized APIs take theirs from, whatever the service's own region.
      configuration_aliases = [aws.us_east_1]
    }
  }
}

locals {
  # The service at the bare domain (subdomain = "") or under it.
  service_domain = var.subdomain == "" ? var.domain : "${var.subdomain}.${var.domain}"
  route53        = var.dns == "route53"
  request_cert   = var.certificate_arn == null
  # Subdomain -> the name of its pair of stack exports: infinstor:<Name>DnsName (the record's
  # name) and infinstor:<Name>ARecord (what it points at).
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
  provider                  = aws.us_east_1
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
  provider                = aws.us_east_1
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

  # The template's own names for the three values the module gives it.
  parameters = merge(
    var.stack_parameters,
    {
      (var.stack_parameter_names.certificate_arn) = local.certificate_arn
      (var.stack_parameter_names.domain_name)     = local.service_domain
    },
    var.stack_parameter_names.hosted_zone_id == null ? {} : {
      (var.stack_parameter_names.hosted_zone_id) = local.route53 && var.records_created_by_stack ? local.zone_id : ""
    },
  )

  lifecycle {
    precondition {
      condition     = !var.records_created_by_stack || var.stack_parameter_names.hosted_zone_id != null
      error_message = "records_created_by_stack needs stack_parameter_names.hosted_zone_id: the template's parameter that takes the hosted zone."
    }
  }
}

# Each subdomain's name and target, as the stack's substacks export them.
data "aws_cloudformation_export" "dns_name" {
  for_each   = local.targets
  name       = "infinstor:${each.value}DnsName"
  depends_on = [aws_cloudformation_stack.root]
}

data "aws_cloudformation_export" "target" {
  for_each   = local.targets
  name       = "infinstor:${each.value}ARecord"
  depends_on = [aws_cloudformation_stack.root]
}

locals {
  # A DnsName export is a label under the service's domain (api); a full name is taken as is.
  record_names = {
    for k, e in data.aws_cloudformation_export.dns_name : k => endswith(trimsuffix(e.value, "."), local.service_domain) ? trimsuffix(e.value, ".") : "${e.value}.${local.service_domain}"
  }
}

resource "aws_route53_record" "subdomain" {
  for_each = local.route53 && !var.records_created_by_stack ? local.targets : {}

  zone_id = local.zone_id
  name    = local.record_names[each.key]
  type    = "CNAME"
  ttl     = 300
  records = [data.aws_cloudformation_export.target[each.key].value]
}

# Seed 000's "Required Permissions": what the administrator installing the root stack needs,
# one statement per item of the seed's list.
data "aws_iam_policy_document" "installer" {
  statement {
    sid       = "DnsEntries"
    actions   = ["route53:ChangeResourceRecordSets", "route53:GetChange", "route53:GetHostedZone", "route53:ListResourceRecordSets"]
    resources = local.route53 ? ["arn:${data.aws_partition.current.partition}:route53:::hostedzone/${local.zone_id}", "arn:${data.aws_partition.current.partition}:route53:::change/*"] : ["*"]
  }
  statement {
    sid       = "FindHostedZone"
    actions   = ["route53:ListHostedZones", "route53:ListHostedZonesByName"]
    resources = ["*"]
  }
  statement {
    sid       = "Certificates"
    actions   = ["acm:RequestCertificate", "acm:DescribeCertificate", "acm:ListCertificates", "acm:DeleteCertificate", "acm:AddTagsToCertificate", "acm:ImportCertificate"]
    resources = ["*"]
  }
  statement {
    sid       = "ServerlessApplications"
    actions   = ["serverlessrepo:GetApplication", "serverlessrepo:CreateCloudFormationTemplate", "serverlessrepo:GetCloudFormationTemplate", "serverlessrepo:CreateCloudFormationChangeSet", "cloudformation:*", "lambda:*", "apigateway:*", "cloudfront:*", "s3:*", "iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:PassRole", "iam:PutRolePolicy", "iam:DeleteRolePolicy", "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:TagRole", "cognito-idp:*"]
    resources = ["*"]
  }
  statement {
    sid       = "DynamoDbTables"
    actions   = ["dynamodb:CreateTable", "dynamodb:DescribeTable", "dynamodb:UpdateTable", "dynamodb:DeleteTable", "dynamodb:TagResource", "dynamodb:UpdateTimeToLive", "dynamodb:DescribeTimeToLive"]
    resources = ["*"]
  }
  statement {
    sid       = "MlflowProjectsInstances"
    actions   = ["ec2:RunInstances", "ec2:DescribeInstances", "ec2:TerminateInstances", "ec2:CreateTags", "ec2:DescribeImages", "ec2:DescribeSubnets", "ec2:DescribeSecurityGroups"]
    resources = ["*"]
  }
}

data "aws_partition" "current" {}
