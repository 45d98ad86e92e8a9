# Seed 003: a bucket for MLflow artifacts that InfinStor's service can read, write and list,
# and the role InfinStor's AWS account assumes with your external ID; seed 001's encryption
# choices. Everything is in modules/mlflow-artifacts; this is one call of it.

terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region = var.region
}

variable "region" {
  description = "AWS region of the artifacts bucket."
  type        = string
  default     = "us-east-1"
}

variable "bucket_name" {
  description = "An instructive name for the MLflow artifacts bucket."
  type        = string
  default     = "for-testing-freeservice"
}

variable "external_id" {
  description = "The external ID InfinStor must present to assume the role."
  type        = string
}

variable "encryption" {
  description = "sse-s3, sse-kms-aws-managed or sse-kms-cmk."
  type        = string
  default     = "sse-s3"
}

module "artifacts" {
  source      = "../../modules/mlflow-artifacts"
  bucket_name = var.bucket_name
  external_id = var.external_id
  encryption  = var.encryption
}

output "bucket" {
  description = "The artifacts bucket to configure in InfinStor."
  value       = module.artifacts.bucket
}

output "role_arn" {
  description = "The role ARN to give InfinStor."
  value       = module.artifacts.role_arn
}

output "kms_key_arn" {
  description = "The customer managed key, with encryption = sse-kms-cmk."
  value       = module.artifacts.kms_key_arn
}
