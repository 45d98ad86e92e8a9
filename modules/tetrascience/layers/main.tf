# Seed 004: TetraScience's data layer and then its service layer: as the Service Catalog
# products TetraScience shares (var.service_catalog, the seed's path), or as CloudFormation
# stacks from TetraScience's templates (the products deploy the same templates).

locals {
  stacks          = var.service_catalog == null
  service_catalog = var.service_catalog != null ? 1 : 0

  # CloudFormation parameters are text: lists become comma-separated, the rest their string form.
  data_parameters = merge(
    var.data_layer_extra_parameters,
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

  service_parameters = merge(
    var.service_layer_extra_parameters,
    { for k, v in var.service_layer : k => tostring(v) },
    {
      CFTemplateVersion = var.template_version
      DataStack         = local.data_stack_name
    },
  )

  # A provisioned product's outputs include the stack Service Catalog made for it; the
  # service layer's DataStack is that stack's name.
  data_product_outputs = local.stacks ? {} : { for o in aws_servicecatalog_provisioned_product.data[0].outputs : o.key => o.value }
  data_stack_name      = local.stacks ? aws_cloudformation_stack.data[0].name : split("/", local.data_product_outputs["CloudformationStackARN"])[1]
}

# The seed's prerequisites of an existing VPC (CreateVPC = false), checked before the data layer
# starts its two to three hours: DHCP through AmazonProvidedDNS, private /24 (or larger) and
# public /28 (or larger) subnets in at least two Availability Zones.
locals {
  existing_vpc = !var.data_layer.CreateVPC
}

data "aws_vpc" "existing" {
  count = local.existing_vpc ? 1 : 0
  id    = var.data_layer.VPCID
}

data "aws_vpc_dhcp_options" "existing" {
  count           = local.existing_vpc ? 1 : 0
  dhcp_options_id = data.aws_vpc.existing[0].dhcp_options_id
}

data "aws_subnet" "private" {
  for_each = toset(local.existing_vpc ? var.data_layer.PrivateSubnetIds : [])
  id       = each.value
}

data "aws_subnet" "public" {
  for_each = toset(local.existing_vpc ? var.data_layer.PublicSubnetIds : [])
  id       = each.value
}

resource "terraform_data" "existing_vpc" {
  count = local.existing_vpc ? 1 : 0
  input = var.data_layer.VPCID

  lifecycle {
    precondition {
      condition     = contains(coalesce(data.aws_vpc_dhcp_options.existing[0].domain_name_servers, []), "AmazonProvidedDNS")
      error_message = "The DHCP option set of ${var.data_layer.VPCID} (${data.aws_vpc.existing[0].dhcp_options_id}) does not give domain-name-servers = AmazonProvidedDNS, which the platform needs: add it, or follow the seed's workaround for internal DNS servers (the RDS endpoint as POSTGRES_HOST, the ts-dip.internal zone delegated to AWS)."
    }
    precondition {
      condition     = alltrue([for s in data.aws_subnet.private : s.vpc_id == var.data_layer.VPCID && tonumber(split("/", s.cidr_block)[1]) <= 24]) && length(distinct([for s in data.aws_subnet.private : s.availability_zone])) >= 2
      error_message = "PrivateSubnetIds must be /24 or larger subnets of ${var.data_layer.VPCID} in at least two Availability Zones; they are ${join(", ", [for s in data.aws_subnet.private : "${s.id} (${s.cidr_block}, ${s.availability_zone}, ${s.vpc_id})"])}."
    }
    precondition {
      condition     = length(data.aws_subnet.public) == 0 || alltrue([for s in data.aws_subnet.public : s.vpc_id == var.data_layer.VPCID && tonumber(split("/", s.cidr_block)[1]) <= 28]) && length(distinct([for s in data.aws_subnet.public : s.availability_zone])) >= 2
      error_message = "PublicSubnetIds must be /28 or larger subnets of ${var.data_layer.VPCID} in at least two Availability Zones (or none, when Internet traffic goes through the corporate network); they are ${join(", ", [for s in data.aws_subnet.public : "${s.id} (${s.cidr_block}, ${s.availability_zone})"])}."
    }
  }
}

# The seed's recommended S3 gateway endpoint, in an existing VPC's route tables.
data "aws_region" "current" {}

data "aws_route_tables" "existing" {
  count  = local.existing_vpc && var.s3_gateway_endpoint ? 1 : 0
  vpc_id = var.data_layer.VPCID
}

resource "aws_vpc_endpoint" "s3" {
  count             = local.existing_vpc && var.s3_gateway_endpoint ? 1 : 0
  vpc_id            = var.data_layer.VPCID
  service_name      = "com.amazonaws.${data.aws_region.current.name}.s3"
  vpc_endpoint_type = "Gateway"
  route_table_ids   = data.aws_route_tables.existing[0].ids
}

moved {
  from = aws_cloudformation_stack.data
  to   = aws_cloudformation_stack.data[0]
}

moved {
  from = aws_cloudformation_stack.service
  to   = aws_cloudformation_stack.service[0]
}

resource "aws_cloudformation_stack" "data" {
  count        = local.stacks ? 1 : 0
  name         = "${var.infrastructure_name}-data"
  template_url = var.data_layer_template_url
  parameters   = local.data_parameters
  capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
  depends_on   = [terraform_data.existing_vpc]

  # The seed: the data layer takes two to three hours.
  timeouts {
    create = var.stack_timeout
    update = var.stack_timeout
    delete = var.stack_timeout
  }
}

resource "aws_cloudformation_stack" "service" {
  count        = local.stacks ? 1 : 0
  name         = "${var.infrastructure_name}-service"
  template_url = var.service_layer_template_url
  capabilities = ["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"]
  parameters   = local.service_parameters

  timeouts {
    create = var.stack_timeout
    update = var.stack_timeout
    delete = var.stack_timeout
  }
}

# The launch paths of each product: the portfolio it is shared through, picked by name when
# a product has several.
data "aws_servicecatalog_launch_paths" "data" {
  count      = local.service_catalog
  product_id = var.service_catalog.data_layer_product_id
}

data "aws_servicecatalog_launch_paths" "service" {
  count      = local.service_catalog
  product_id = var.service_catalog.service_layer_product_id
}

locals {
  data_paths    = local.stacks ? [] : [for p in data.aws_servicecatalog_launch_paths.data[0].summaries : p if var.service_catalog.launch_path_name == null || p.name == var.service_catalog.launch_path_name]
  service_paths = local.stacks ? [] : [for p in data.aws_servicecatalog_launch_paths.service[0].summaries : p if var.service_catalog.launch_path_name == null || p.name == var.service_catalog.launch_path_name]
}

resource "aws_servicecatalog_provisioned_product" "data" {
  count                      = local.service_catalog
  name                       = "${var.infrastructure_name}-data"
  product_id                 = var.service_catalog.data_layer_product_id
  provisioning_artifact_name = var.template_version
  path_id                    = one(local.data_paths[*].path_id)
  depends_on                 = [terraform_data.existing_vpc]

  dynamic "provisioning_parameters" {
    for_each = local.data_parameters
    content {
      key   = provisioning_parameters.key
      value = provisioning_parameters.value
    }
  }

  # The seed: the data layer takes two to three hours.
  timeouts {
    create = var.service_catalog.timeout
    update = var.service_catalog.timeout
    delete = var.service_catalog.timeout
  }

  lifecycle {
    precondition {
      condition     = length(local.data_paths) == 1
      error_message = "The data layer product has ${length(local.data_paths)} launch paths matching service_catalog.launch_path_name: set it to one of the names data.aws_servicecatalog_launch_paths lists (the portfolio TetraScience shared)."
    }
  }
}

resource "aws_servicecatalog_provisioned_product" "service" {
  count                      = local.service_catalog
  name                       = "${var.infrastructure_name}-service"
  product_id                 = var.service_catalog.service_layer_product_id
  provisioning_artifact_name = var.template_version
  path_id                    = one(local.service_paths[*].path_id)

  dynamic "provisioning_parameters" {
    for_each = local.service_parameters
    content {
      key   = provisioning_parameters.key
      value = provisioning_parameters.value
    }
  }

  timeouts {
    create = var.service_catalog.timeout
    update = var.service_catalog.timeout
    delete = var.service_catalog.timeout
  }

  lifecycle {
    precondition {
      condition     = length(local.service_paths) == 1
      error_message = "The service layer product has ${length(local.service_paths)} launch paths matching service_catalog.launch_path_name: set it to one of the names data.aws_servicecatalog_launch_paths lists."
    }
  }
}

# The key the data layer makes to encrypt RDS snapshots (alias ts-rds-production): the DR
# snapshot tool's KMSKeySource, found here rather than copied from the KMS console.
data "aws_kms_alias" "rds" {
  count      = var.disaster_recovery != null ? 1 : 0
  name       = "alias/ts-rds-production"
  depends_on = [aws_cloudformation_stack.data, aws_servicecatalog_provisioned_product.data]
}
