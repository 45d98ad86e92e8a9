# Seed 002: Metaflow's CloudFormation stack, its outputs as a Metaflow configuration, and
# with EnableUI the certificate and DNS record of the UI.

terraform {
  required_providers {
    aws   = { source = "hashicorp/aws" }
    local = { source = "hashicorp/local" }
  }
}

locals {
  ui        = var.enable_ui
  route53   = local.ui && var.ui_dns == "route53"
  request   = local.ui && var.certificate_arn == null
  zone_name = local.route53 ? coalesce(var.ui_zone_name, join(".", slice(split(".", var.ui_domain_name), 1, length(split(".", var.ui_domain_name))))) : null
}

data "aws_route53_zone" "ui" {
  count = local.route53 ? 1 : 0
  name  = local.zone_name
}

resource "aws_acm_certificate" "ui" {
  count             = local.request ? 1 : 0
  domain_name       = var.ui_domain_name
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

locals {
  # In Route 53, the validation records are made here; with DNS elsewhere, by the person applying.
  route53_validation = local.route53 ? flatten(aws_acm_certificate.ui[*].domain_validation_options) : []
}

resource "aws_route53_record" "validation" {
  for_each = {
    for dvo in local.route53_validation : dvo.domain_name => {
      name   = dvo.resource_record_name
      record = dvo.resource_record_value
      type   = dvo.resource_record_type
    }
  }

  allow_overwrite = true
  zone_id         = data.aws_route53_zone.ui[0].zone_id
  name            = each.value.name
  type            = each.value.type
  records         = [each.value.record]
  ttl             = 60
}

# With DNS elsewhere, nothing here can create the validation records: the wait names them while
# it runs (and output ui_certificate_validation_records lists them), for the person applying to
# create at their DNS provider.
resource "aws_acm_certificate_validation" "ui" {
  count                   = local.request ? 1 : 0
  certificate_arn         = aws_acm_certificate.ui[0].arn
  validation_record_fqdns = local.route53 ? [for r in aws_route53_record.validation : r.fqdn] : null
}

resource "aws_cloudformation_stack" "metaflow" {
  name          = var.stack_name
  template_body = var.template_body
  capabilities  = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
  tags          = var.tags

  parameters = merge(var.extra_parameters, {
    APIBasicAuth     = tostring(var.api_basic_auth)
    CustomRole       = tostring(var.custom_role)
    EnableUI         = tostring(var.enable_ui)
    PublicDomainName = local.ui ? var.ui_domain_name : ""
    CertificateArn   = local.ui ? coalesce(var.certificate_arn, one(aws_acm_certificate_validation.ui[*].certificate_arn)) : ""
  })

  lifecycle {
    precondition {
      condition     = !local.ui || var.ui_domain_name != null
      error_message = "enable_ui needs ui_domain_name (PublicDomainName)."
    }
  }
}

locals {
  outputs    = aws_cloudformation_stack.metaflow.outputs
  api_key_id = lookup(local.outputs, "ApiKeyId", null)
}

# CloudFormation outputs the key's ID only; its value is read here (sensitive).
data "aws_api_gateway_api_key" "metadata" {
  count = var.api_basic_auth ? 1 : 0
  id    = local.api_key_id
}

# The UI's name points at its load balancer.
data "aws_lb_hosted_zone_id" "ui" {
  count = local.route53 ? 1 : 0
}

resource "aws_route53_record" "ui" {
  count   = local.route53 ? 1 : 0
  zone_id = data.aws_route53_zone.ui[0].zone_id
  name    = var.ui_domain_name
  type    = "A"

  alias {
    name                   = local.outputs["LoadBalancerUIDNSName"]
    zone_id                = data.aws_lb_hosted_zone_id.ui[0].id
    evaluate_target_health = false
  }
}

locals {
  # Stack output -> Metaflow configuration key.
  config_keys = {
    METAFLOW_DATASTORE_SYSROOT_S3       = "MetaflowDataStoreS3Url"
    METAFLOW_DATATOOLS_S3ROOT           = "MetaflowDataToolsS3Url"
    METAFLOW_BATCH_JOB_QUEUE            = "BatchJobQueueArn"
    METAFLOW_ECS_S3_ACCESS_IAM_ROLE     = "ECSJobRoleForBatchJobs"
    METAFLOW_SERVICE_URL                = "ServiceUrl"
    METAFLOW_SERVICE_INTERNAL_URL       = "InternalServiceUrl"
    METAFLOW_SFN_IAM_ROLE               = "StepFunctionsRoleArn"
    METAFLOW_EVENTS_SFN_ACCESS_IAM_ROLE = "EventBridgeRoleArn"
    METAFLOW_SFN_DYNAMO_DB_TABLE        = "DDBTableName"
  }
  from_outputs = {
    for key, output in local.config_keys : key => local.outputs[output] if contains(keys(local.outputs), output)
  }
  config = merge(
    {
      METAFLOW_DEFAULT_DATASTORE = "s3"
      METAFLOW_DEFAULT_METADATA  = "service"
    },
    local.from_outputs,
    var.api_basic_auth ? { METAFLOW_SERVICE_AUTH_KEY = data.aws_api_gateway_api_key.metadata[0].value } : {},
  )
}

resource "local_sensitive_file" "config" {
  count           = var.config_path == null ? 0 : 1
  filename        = var.config_path
  content         = jsonencode(local.config)
  file_permission = "0600"
}
