variable "subscriber_name" {
  description = "The subscriber's user name in the multi-tenant service (also the suffix of the role its stack creates)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}$", var.subscriber_name))
    error_message = "subscriber_name must be 1 to 39 letters, digits and hyphens, starting with a letter or digit (it becomes part of a role and a stack name)."
  }
}

variable "subscriber_password" {
  description = "The subscriber's password."
  type        = string
  sensitive   = true
}

variable "subscriber_email" {
  description = "The subscriber's email address."
  type        = string
}

variable "build" {
  description = "The InfinStor build number (a.b.cc) whose setup-customer template is used; ignored when template_url is set."
  type        = string
  default     = null
}

variable "template_url" {
  description = "The setup-customer template's URL; by default https://s3.amazonaws.com/infinstorcft/<build>/infinstor-setup-customer.yaml. Read at plan time: parameters that do not match it fail the plan."
  type        = string
  default     = null
}

variable "s3_encryption" {
  description = "Encryption at rest of the MLflow artifacts bucket: sse-s3, sse-kms-aws-managed or sse-kms-cmk (a customer managed key, with a bucket key)."
  type        = string
  default     = "sse-s3"

  validation {
    condition     = contains(["sse-s3", "sse-kms-aws-managed", "sse-kms-cmk"], var.s3_encryption)
    error_message = "s3_encryption must be sse-s3, sse-kms-aws-managed or sse-kms-cmk."
  }
}

variable "s3_kms_key_arn" {
  description = "With s3_encryption = sse-kms-cmk: the customer managed key's ARN."
  type        = string
  default     = null
}

variable "dynamodb_encryption" {
  description = "Encryption at rest of the MLflow DynamoDB tables: aws-owned (the default), aws-managed or customer-managed."
  type        = string
  default     = "aws-owned"

  validation {
    condition     = contains(["aws-owned", "aws-managed", "customer-managed"], var.dynamodb_encryption)
    error_message = "dynamodb_encryption must be aws-owned, aws-managed or customer-managed."
  }
}

variable "dynamodb_kms_key_arn" {
  description = "With dynamodb_encryption = customer-managed: the customer managed key's ARN."
  type        = string
  default     = null
}

variable "manage_key_policy" {
  description = "Write the customer managed keys' policies (their kept statements plus \"Allow use of the key\" and \"Allow attachment of persistent resources\" for the subscriber's role). false: print the two statements to add by hand (output key_policy_statements)."
  type        = bool
  default     = true
}

variable "existing_key_policies" {
  description = "For each customer managed key ARN whose policy is not the one KMS creates by default: its current policy JSON. Its statements are kept; without it, the key keeps KMS's default statement (\"Enable IAM User Permissions\" for the account root)."
  type        = map(string)
  default     = {}
}

variable "users" {
  description = "Users to create under the subscriber: user name => email."
  type        = map(string)
  default     = {}
}

variable "user_passwords" {
  description = "The users' passwords: user name => password."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "subscriber_token" {
  description = "A token of the subscriber (from InfinStor's authentication page), which creating users needs."
  type        = string
  default     = null
  sensitive   = true
}

variable "role_name" {
  description = "The name of the role the setup-customer stack creates for InfinStor (its Resources tab shows it); null: RoleForInfinStorMlflowService-<subscriber_name>, the seed's example."
  type        = string
  default     = null
}

variable "stack_parameter_names" {
  description = "The setup-customer template's names for the values the module passes (read them from the template's Parameters); \"\" leaves a value out, for a template without that parameter. The plan stops when the template does not declare a name used."
  type = object({
    subscriber_name      = optional(string, "SubscriberName")
    custom_token         = optional(string, "CustomToken")
    s3_encryption        = optional(string, "S3BucketEncryption")
    s3_kms_key_arn       = optional(string, "S3KmsKeyArn")
    dynamodb_encryption  = optional(string, "DynamoDBEncryption")
    dynamodb_kms_key_arn = optional(string, "DynamoDBKmsKeyArn")
  })
  default = {}
}

variable "stack_parameters" {
  description = "Other parameters of the setup-customer template, or values in its own words for those above (they win over the module's), by name."
  type        = map(string)
  default     = {}
}
