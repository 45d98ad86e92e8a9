# Seed 003: a bucket for MLflow artifacts that InfinStor's service can read, write and list.
#
#   Step 1: the bucket, with the CORS rule the MLflow UI needs to list and preview artifacts.
#   Step 2: an IAM policy with exactly one task: read, write and list access to this bucket.
#   Step 3: a role that InfinStor's AWS account (697756613082) assumes with your external ID.

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
  # Not marked sensitive on purpose: AWS treats the external ID as an identifier, not a
  # secret, and reviewers must see it in the trust policy diff.

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

locals {
  bucket_arn = "arn:aws:s3:::${var.bucket_name}"
}

# Step 1: the bucket and its CORS rule.
resource "aws_s3_bucket" "artifacts" {
  bucket = var.bucket_name
}

resource "aws_s3_bucket_cors_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  cors_rule {
    allowed_headers = ["*"]
    allowed_methods = ["GET"]
    allowed_origins = ["*"]
    expose_headers  = []
    max_age_seconds = 3600
  }
}

# Step 2: read, write and list access to this bucket, and nothing else.
resource "aws_iam_policy" "access" {
  name = "access-${var.bucket_name}"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["s3:ListBucket"]
        Resource = [local.bucket_arn]
      },
      {
        Effect = "Allow"
        Action = [
          "s3:PutObject",
          "s3:GetObject",
          "s3:DeleteObject",
        ]
        Resource = ["${local.bucket_arn}/*"]
      },
    ]
  })
}

# Step 3: the role InfinStor's account assumes with the external ID.
data "aws_iam_policy_document" "infinstor_trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${var.infinstor_account_id}:root"]
    }

    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [var.external_id]
    }
  }
}

resource "aws_iam_role" "infinstor" {
  name               = "infinstor-${var.bucket_name}"
  description        = "Assumed by the InfinStor MLflow service to reach the artifacts bucket"
  assume_role_policy = data.aws_iam_policy_document.infinstor_trust.json
}

resource "aws_iam_role_policy_attachment" "access" {
  role       = aws_iam_role.infinstor.name
  policy_arn = aws_iam_policy.access.arn
}

output "bucket" {
  description = "The artifacts bucket to configure in InfinStor."
  value       = aws_s3_bucket.artifacts.bucket
}

output "role_arn" {
  description = "The role ARN to give InfinStor."
  value       = aws_iam_role.infinstor.arn
}
