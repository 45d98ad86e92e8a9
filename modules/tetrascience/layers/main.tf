# Seed 004: TetraScience's data layer and then its service layer, as CloudFormation stacks
# from TetraScience's templates (the Service Catalog products deploy the same templates).

locals {
  # CloudFormation parameters are text: lists become comma-separated, the rest their string form.
  data_parameters = merge(
    { for k, v in var.data_layer : k => try(join(",", v), tostring(v)) },
    {
      CFTemplateBucket   = var.template_bucket
      CFTemplateVersion  = var.template_version
      InfrastructureName = var.infrastructure_name
      EnableDR           = tostring(var.disaster_recovery != null)
    },
    var.disaster_recovery != null ? var.disaster_recovery : {
      DRAWSAccountId         = ""
      DRDatalakeKMSKey       = ""
      DRDatalakeBucket       = ""
      DRStreamBucket         = ""
      DRBackupBucket         = ""
      DRLocalArtifactsBucket = ""
    },
  )
}

resource "aws_cloudformation_stack" "data" {
  name         = "${var.infrastructure_name}-data"
  template_url = var.data_layer_template_url
  parameters   = local.data_parameters
  capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
}

resource "aws_cloudformation_stack" "service" {
  name         = "${var.infrastructure_name}-service"
  template_url = var.service_layer_template_url
  capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
  parameters = merge(
    { for k, v in var.service_layer : k => tostring(v) },
    {
      CFTemplateVersion = var.template_version
      DataStack         = aws_cloudformation_stack.data.name
    },
  )
}
