# Seed 004: TetraScience's platform with disaster recovery and single sign-on, in the order the
# seed gives: the DR stack in the DR account and region, the data layer (taking the DR stack's
# outputs), then the service layer (with the web certificate examples/tetrascience-pre-deployment
# made), the RDS snapshot tool stack in the DR account once the data layer has made the key it
# copies snapshots with, and the Cognito user pool whose settings the platform reads from
# Parameter Store.

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

variable "dr_output_names" {
  description = "The outputs of dr.yml, where it names them otherwise than the seed (DRDatalakeKMSKey = \"...\", ...)."
  type        = map(string)
  default     = {}
}

variable "kms_key_source" {
  description = "The snapshot tool's KMSKeySource; null: the data layer's key, found by its alias ts-rds-production."
  type        = string
  default     = null
}

variable "web_certificate_arn" {
  description = "The service layer's Certificate: output web_certificate_arn of examples/tetrascience-pre-deployment."
  type        = string
  default     = ""
}

variable "identity_provider_metadata_url" {
  description = "Single sign-on: the SAML metadata URL of your identity provider."
  type        = string
}

variable "identity_provider_groups_attribute" {
  description = "Single sign-on: the identity provider's group membership attribute."
  type        = string
  default     = "http://schemas.xmlsoap.org/claims/Group"
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
  # The data layer's ts-rds-production key, found once the layer exists (or given).
  deploy_snapshot_tool = true
  dr_output_names      = var.dr_output_names
  kms_key_source       = var.kms_key_source != null ? var.kms_key_source : module.platform.rds_kms_key_arn
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
    Certificate  = var.web_certificate_arn
  }
}

module "sso" {
  source = "../../modules/tetrascience/sso"

  environment           = "production"
  domain                = "tdp.acme.example.com"
  cognito_domain_prefix = "acme-tdp"
  identity_provider = {
    name             = "corp"
    type             = "SAML"
    details          = { MetadataURL = var.identity_provider_metadata_url }
    groups_attribute = var.identity_provider_groups_attribute
  }
}

output "sso_manual_steps" {
  value = module.sso.manual_steps
}

output "post_deployment_checklist" {
  value = module.platform.post_deployment_checklist
}
