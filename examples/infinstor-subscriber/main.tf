# Seed 001: one subscriber of the multi-tenant InfinStor MLflow service, with its
# setup-customer stack and users. Everything is in modules/infinstor-subscriber.
#
# infinstor-setup-customer.yaml is a small stand-in for InfinStor's setup-customer template
# with the parameters the module passes (the tests upload it where template_url points).

provider "aws" {
  region = var.region
}

provider "infinstor" {
  mlflow_endpoint = var.mlflow_endpoint
  api_endpoint    = var.api_endpoint
  token           = var.superadmin_token
}

variable "region" {
  type    = string
  default = "us-east-1"
}

variable "mlflow_endpoint" {
  description = "https://mlflow.<your service's domain>"
  type        = string
}

variable "api_endpoint" {
  description = "https://infinstorapi.<your service's domain>"
  type        = string
}

variable "superadmin_token" {
  description = "The superadmin's ID token, from InfinStor's authentication page."
  type        = string
  sensitive   = true
}

variable "subscriber_name" {
  type    = string
  default = "acme"
}

variable "subscriber_email" {
  type    = string
  default = "mlops@acme.example.com"
}

variable "subscriber_password" {
  type      = string
  sensitive = true
}

variable "build" {
  description = "The InfinStor build number (a.b.cc)."
  type        = string
}

variable "s3_encryption" {
  type    = string
  default = "sse-s3"
}

variable "s3_kms_key_arn" {
  type    = string
  default = null
}

variable "users" {
  type    = map(string)
  default = {}
}

variable "user_passwords" {
  type      = map(string)
  default   = {}
  sensitive = true
}

variable "subscriber_token" {
  type      = string
  default   = null
  sensitive = true
}

variable "role_name" {
  description = "The name of the role the setup-customer stack creates, where the template names it otherwise than RoleForInfinStorMlflowService-<subscriber_name>."
  type        = string
  default     = null
}

variable "existing_key_policies" {
  description = "For a customer managed key whose policy is not KMS's default: key ARN => its current policy JSON (aws kms get-key-policy --key-id ARN --policy-name default --output text), whose statements are kept."
  type        = map(string)
  default     = {}
}

variable "stack_parameter_names" {
  description = "The setup-customer template's parameter names, where they differ from the module's defaults (\"\" for one the template lacks)."
  type        = map(string)
  default     = {}
}

module "subscriber" {
  source = "../../modules/infinstor-subscriber"

  subscriber_name     = var.subscriber_name
  subscriber_email    = var.subscriber_email
  subscriber_password = var.subscriber_password
  build               = var.build
  s3_encryption       = var.s3_encryption
  s3_kms_key_arn      = var.s3_kms_key_arn
  users               = var.users
  user_passwords      = var.user_passwords
  subscriber_token    = var.subscriber_token

  stack_parameter_names = var.stack_parameter_names
  role_name             = var.role_name
  existing_key_policies = var.existing_key_policies
}

output "role_arn" {
  value = module.subscriber.role_arn
}

output "custom_token" {
  value     = module.subscriber.custom_token
  sensitive = true
}

output "manual_steps" {
  value = module.subscriber.manual_steps
}
