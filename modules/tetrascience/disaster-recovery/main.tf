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

# Where each configuration of the DR account points.
data "aws_region" "dr" {
  provider = aws.dr
}

data "aws_region" "main" {
  provider = aws.dr_main_region
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

  lifecycle {
    precondition {
      condition     = var.dr_region != data.aws_region.main.name
      error_message = "dr_region is ${var.dr_region}, the main deployment's region too: disaster recovery needs another region."
    }
    precondition {
      condition     = data.aws_region.dr.name == var.dr_region
      error_message = "The aws.dr provider configuration is in ${data.aws_region.dr.name}, not dr_region (${var.dr_region}): give it region = dr_region."
    }
    # The data layer's DR parameters come from these outputs: a template that names them
    # otherwise is stopped here, naming what it has, not at the data layer hours later.
    postcondition {
      condition     = alltrue([for name in values(var.dr_output_names) : contains(keys(self.outputs), name)])
      error_message = "The DR stack has no output ${join(", ", [for name in values(var.dr_output_names) : name if !contains(keys(self.outputs), name)])}; its outputs are ${join(", ", keys(self.outputs))}. Set dr_output_names to the names your dr.yml uses."
    }
  }
}

data "aws_caller_identity" "dr" {
  provider = aws.dr
}

resource "aws_cloudformation_stack" "snapshot_tool" {
  count        = (var.deploy_snapshot_tool != null ? var.deploy_snapshot_tool : var.kms_key_source != null) && var.snapshot_tool_template_url != null ? 1 : 0
  provider     = aws.dr_main_region
  name         = "${var.infrastructure_name}-rds-snapshot-tool"
  template_url = var.snapshot_tool_template_url
  capabilities = ["CAPABILITY_IAM"]
  parameters = merge(
    { for k, v in var.snapshot_tool : k => tostring(v) },
    {
      DestinationRegion = var.dr_region
      KmsKeyDestination = aws_cloudformation_stack.dr.outputs[var.dr_output_names.DRRDSKMSKey]
      KMSKeySource      = var.kms_key_source
    },
  )
}
