# Seed 004: TetraScience's platform with disaster recovery, in the order the seed gives:
# the DR stack in the DR account and region, the data layer (taking the DR stack's outputs),
# then the service layer. The RDS snapshot tool stack follows once kms_key_source is known.

provider "aws" {
  region = var.region
}

provider "aws" {
  alias  = "dr"
  region = var.dr_region
  assume_role {
    role_arn = var.dr_role_arn
  }
}

provider "aws" {
  alias  = "dr_main_region"
  region = var.region
  assume_role {
    role_arn = var.dr_role_arn
  }
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "dr_region" {
  type    = string
  default = "us-east-2"
}

variable "dr_role_arn" {
  description = "A role in the DR account that this deployment may assume."
  type        = string
}

variable "prod_account_id" {
  type = string
}

variable "infrastructure_name" {
  type    = string
  default = "acme-tdp"
}

variable "template_version" {
  type    = string
  default = "v1.0.0"
}

variable "templates" {
  description = "Where TetraScience's templates are: data_layer, service_layer, dr, snapshot_tool URLs."
  type        = map(string)
}

variable "kms_key_source" {
  type    = string
  default = null
}

module "dr" {
  source = "../../modules/tetrascience/disaster-recovery"
  providers = {
    aws.dr             = aws.dr
    aws.dr_main_region = aws.dr_main_region
  }

  infrastructure_name        = var.infrastructure_name
  prod_account_id            = var.prod_account_id
  dr_region                  = var.dr_region
  dr_template_url            = var.templates["dr"]
  snapshot_tool_template_url = var.templates["snapshot_tool"]
  kms_key_source             = var.kms_key_source
}

module "platform" {
  source = "../../modules/tetrascience/layers"

  infrastructure_name        = var.infrastructure_name
  template_version           = var.template_version
  data_layer_template_url    = var.templates["data_layer"]
  service_layer_template_url = var.templates["service_layer"]
  disaster_recovery          = module.dr.data_layer_inputs

  data_layer = {
    VpcCIDR                 = "10.200.0.0/16"
    NotificationEmail       = "tdp-alerts@acme.example.com"
    SourceNotificationEmail = "tdp-noreply@acme.example.com"
  }

  service_layer = {
    PublicDomain = "tdp.acme.example.com"
  }
}

output "post_deployment_checklist" {
  value = module.platform.post_deployment_checklist
}
