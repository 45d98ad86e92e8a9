# Seed 001: a subscriber (tenant) of the multi-tenant InfinStor MLflow service, its
# setup-customer stack, the key policies its role needs, and users under it.

terraform {
  required_providers {
    aws       = { source = "hashicorp/aws" }
    infinstor = { source = "infinstor/infinstor" }
  }
}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  template_url = coalesce(var.template_url, "https://s3.amazonaws.com/infinstorcft/${coalesce(var.build, "BUILD")}/infinstor-setup-customer.yaml")
  role_name    = coalesce(var.role_name, "RoleForInfinStorMlflowService-${var.subscriber_name}")
  s3_cmk       = var.s3_encryption == "sse-kms-cmk"
  ddb_cmk      = var.dynamodb_encryption == "customer-managed"
  cmk_arns     = toset(compact([local.s3_cmk ? var.s3_kms_key_arn : "", local.ddb_cmk ? var.dynamodb_kms_key_arn : ""]))

  # What KMS puts in a key policy it creates: the account administers the key through IAM.
  kms_default_statement = {
    Sid       = "Enable IAM User Permissions"
    Effect    = "Allow"
    Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
    Action    = "kms:*"
    Resource  = "*"
  }

  # The two statements seed 001 adds for the subscriber's role.
  role_statements = [
    {
      Sid       = "Allow use of the key"
      Effect    = "Allow"
      Principal = { AWS = data.aws_iam_role.infinstor.arn }
      Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
      Resource  = "*"
    },
    {
      Sid       = "Allow attachment of persistent resources"
      Effect    = "Allow"
      Principal = { AWS = data.aws_iam_role.infinstor.arn }
      Action    = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
      Resource  = "*"
      Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
    },
  ]
  managed_sids = ["Allow use of the key", "Allow attachment of persistent resources"]
}

resource "infinstor_subscriber" "this" {
  user_name = var.subscriber_name
  password  = var.subscriber_password
  email     = var.subscriber_email
}

resource "aws_cloudformation_stack" "subscriber" {
  name         = "infinstor-subscriber-${var.subscriber_name}"
  template_url = local.template_url
  capabilities = ["CAPABILITY_NAMED_IAM"]
  # Under the template's own names (stack_parameter_names; "" leaves one out), then the
  # template's other parameters and values as given (stack_parameters), which win.
  parameters = merge(
    {
      for p in [
        [var.stack_parameter_names.subscriber_name, var.subscriber_name],
        [var.stack_parameter_names.custom_token, infinstor_subscriber.this.custom_token],
        [var.stack_parameter_names.s3_encryption, upper(var.s3_encryption)],
        [var.stack_parameter_names.s3_kms_key_arn, local.s3_cmk ? var.s3_kms_key_arn : ""],
        [var.stack_parameter_names.dynamodb_encryption, upper(replace(var.dynamodb_encryption, "-", "_"))],
        [var.stack_parameter_names.dynamodb_kms_key_arn, local.ddb_cmk ? var.dynamodb_kms_key_arn : ""],
      ] : p[0] => p[1] if p[0] != ""
    },
    var.stack_parameters,
  )

  lifecycle {
    precondition {
      condition     = var.build != null || var.template_url != null
      error_message = "Set build (the InfinStor build number, a.b.cc) or template_url."
    }
    precondition {
      condition     = !local.s3_cmk || var.s3_kms_key_arn != null
      error_message = "s3_encryption = sse-kms-cmk needs s3_kms_key_arn."
    }
    precondition {
      condition     = !local.ddb_cmk || var.dynamodb_kms_key_arn != null
      error_message = "dynamodb_encryption = customer-managed needs dynamodb_kms_key_arn."
    }
  }
}

# The role the stack creates; read once the stack exists.
data "aws_iam_role" "infinstor" {
  name       = local.role_name
  depends_on = [aws_cloudformation_stack.subscriber]
}

resource "aws_kms_key_policy" "cmk" {
  for_each = var.manage_key_policy ? local.cmk_arns : toset([])

  key_id = each.value
  policy = jsonencode({
    Version = "2012-10-17"
    Id      = "infinstor-subscriber-${var.subscriber_name}"
    Statement = concat(
      contains(keys(var.existing_key_policies), each.value) ? [
        for s in jsondecode(var.existing_key_policies[each.value]).Statement : s
        if !contains(local.managed_sids, try(s.Sid, ""))
      ] : [local.kms_default_statement],
      local.role_statements,
    )
  })
}

resource "infinstor_user" "users" {
  for_each = var.users

  subscriber_token = var.subscriber_token
  user_name        = each.key
  email            = each.value
  password         = var.user_passwords[each.key]

  # Users are created under the subscriber, which must exist first.
  depends_on = [infinstor_subscriber.this]

  lifecycle {
    precondition {
      condition     = var.subscriber_token != null
      error_message = "Creating users needs subscriber_token: a token of the subscriber from InfinStor's authentication page."
    }
  }
}
