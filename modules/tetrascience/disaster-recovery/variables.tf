variable "infrastructure_name" {
  description = "InfrastructureName: the same value as the main deployment's."
  type        = string
}

variable "prod_account_id" {
  description = "ProdAWSAccountId: the account the main product is installed in."
  type        = string

  validation {
    condition     = can(regex("^[0-9]{12}$", var.prod_account_id))
    error_message = "prod_account_id must be a 12-digit AWS account ID."
  }
}

variable "dr_template_url" {
  description = "TetraScience's dr.yml (deployed in the DR account, in the DR region, before the data layer)."
  type        = string
}

variable "snapshot_tool_template_url" {
  description = "TetraScience's snapshots_tool_rds_dest.json (deployed in the DR account, in the main deployment's region, after the data layer)."
  type        = string
  default     = null
}

variable "dr_region" {
  description = "DestinationRegion: the DR region (different from the main one)."
  type        = string
}

variable "kms_key_source" {
  description = "KMSKeySource: the ARN of the main account's key that encrypts RDS snapshots (alias ts-rds-production). Known once the data layer is deployed; null: the snapshot tool stack is not deployed yet."
  type        = string
  default     = null
}

variable "snapshot_tool" {
  description = "The snapshot tool stack's other parameters (the seed's defaults; do not change those it says not to)."
  type = object({
    CodeBucket           = optional(string, "DEFAULT_BUCKET")
    CrossAccountCopy     = optional(string, "TRUE")
    DeleteOldSnapshots   = optional(string, "TRUE")
    LambdaCWLogRetention = optional(number, 7)
    LogLevel             = optional(string, "INFO")
    RetentionDays        = optional(number, 7)
    SnapshotPattern      = optional(string, "ts-platform.*")
    SourceRegionOverride = optional(string, "NO")
  })
  default = {}

  validation {
    condition     = contains(["DEBUG", "INFO", "WARNING", "ERROR"], var.snapshot_tool.LogLevel) && var.snapshot_tool.RetentionDays >= 1
    error_message = "LogLevel must be DEBUG, INFO, WARNING or ERROR, and RetentionDays at least 1."
  }
}

variable "dr_output_names" {
  description = "The DR stack's output holding each value the data layer and the snapshot tool take (the seed names DRRDSKMSKey; the others are the data layer's parameter names, which dr.yml uses for its outputs). Checked once the stack exists."
  type = object({
    DRDatalakeKMSKey       = optional(string, "DRDatalakeKMSKey")
    DRDatalakeBucket       = optional(string, "DRDatalakeBucket")
    DRStreamBucket         = optional(string, "DRStreamBucket")
    DRBackupBucket         = optional(string, "DRBackupBucket")
    DRLocalArtifactsBucket = optional(string, "DRLocalArtifactsBucket")
    DRRDSKMSKey            = optional(string, "DRRDSKMSKey")
  })
  default = {}
}

variable "deploy_snapshot_tool" {
  description = "Deploy the RDS snapshot tool stack. Null: when kms_key_source is given. true lets kms_key_source be known only after apply (layers' output rds_kms_key_arn), so the tool follows the data layer in the same apply."
  type        = bool
  default     = null
}
