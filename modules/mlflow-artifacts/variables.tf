variable "bucket_name" {
  description = "The MLflow artifacts bucket to create."
  type        = string
}

variable "external_id" {
  description = "The external ID InfinStor must present to assume the role."
  type        = string
  # Not sensitive on purpose: AWS treats the external ID as an identifier, not a secret, and
  # reviewers must see it in the trust policy diff.

  validation {
    condition     = length(var.external_id) >= 2 && length(var.external_id) <= 1224
    error_message = "The external ID must be 2 to 1224 characters long."
  }
}

variable "infinstor_account_id" {
  description = "The AWS account of the InfinStor MLflow service."
  type        = string
  default     = "697756613082"
}

variable "encryption" {
  description = "Encryption at rest of the bucket: sse-s3 (S3 owned keys), sse-kms-aws-managed (the AWS managed key, with a bucket key) or sse-kms-cmk (a customer managed key, with a bucket key)."
  type        = string
  default     = "sse-s3"

  validation {
    condition     = contains(["sse-s3", "sse-kms-aws-managed", "sse-kms-cmk"], var.encryption)
    error_message = "encryption must be sse-s3, sse-kms-aws-managed or sse-kms-cmk."
  }
}

variable "kms_key_arn" {
  description = "With encryption = sse-kms-cmk: the ARN of an existing customer managed key. Left null, the module creates the key, with the key policy statements InfinStor's role needs. Given, the module prints those statements (output kms_key_policy_statements) to add to the key's policy beside its existing ones."
  type        = string
  default     = null
}

variable "role_name" {
  description = "The name of the role InfinStor assumes. Left null: infinstor-<bucket_name>, which, when longer than IAM's 64 characters, is cut to 55 and ends in 8 hex digits of the bucket name's SHA-1."
  type        = string
  default     = null

  validation {
    condition     = length(coalesce(var.role_name, "x")) <= 64 && can(regex("^[\\w+=,.@-]+$", coalesce(var.role_name, "x")))
    error_message = "role_name must be 1 to 64 letters, digits or +=,.@_- (IAM's rule for role names)."
  }
}
