# Seed 004's disaster recovery, in the DR account: the DR stack in the DR region (before the
# data layer, which takes its outputs), and the RDS snapshot tool stack in the main region
# (after the data layer, whose RDS key it needs).
#
# The caller passes two configurations of the DR account:
#   providers = { aws.dr = aws.dr, aws.dr_main_region = aws.dr_main_region }

terraform {
  required_providers {
    aws = {
      source                = "hashicorp/aws"
      configuration_aliases = [aws.dr, aws.dr_main_region]
    }
  }
}

resource "aws_cloudformation_stack" "dr" {
  provider     = aws.dr
  name         = "${var.infrastructure_name}-dr"
  template_url = var.dr_template_url
  capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM"]
  parameters = {
    InfrastructureName = var.infrastructure_name
    Environment        = "dr"
    ProdAWSAccountId   = var.prod_account_id
  }
}

data "aws_caller_identity" "dr" {
  provider = aws.dr
}

resource "aws_cloudformation_stack" "snapshot_tool" {
  count        = var.kms_key_source != null && var.snapshot_tool_template_url != null ? 1 : 0
  provider     = aws.dr_main_region
  name         = "${var.infrastructure_name}-rds-snapshot-tool"
  template_url = var.snapshot_tool_template_url
  capabilities = ["CAPABILITY_IAM"]
  parameters = merge(
    { for k, v in var.snapshot_tool : k => tostring(v) },
    {
      DestinationRegion = var.dr_region
      KmsKeyDestination = aws_cloudformation_stack.dr.outputs["DRRDSKMSKey"]
      KMSKeySource      = var.kms_key_source
    },
  )
}
