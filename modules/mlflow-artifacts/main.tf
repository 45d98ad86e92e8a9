# The MLflow artifacts bucket InfinStor's service reads, writes and lists (seed 003), encrypted
# at rest as the subscriber chooses (seed 001, 1.1.3.1), and the role InfinStor's account
# assumes with the external ID. With a customer managed key, the key policy gains the two
# statements of seed 001's example (1.1.3.3) for that role.

locals {
  partition  = data.aws_partition.current.partition
  bucket_arn = "arn:${local.partition}:s3:::${var.bucket_name}"
  kms        = var.encryption != "sse-s3"
  cmk        = var.encryption == "sse-kms-cmk"
  create_key = local.cmk && var.kms_key_arn == null
  key_arn    = local.create_key ? one(aws_kms_key.artifacts[*].arn) : var.kms_key_arn

  # IAM's limit for role names is 64 characters; a bucket name may have 63. A longer default is
  # cut and ends in a digest of the bucket name, so two long buckets still get two roles.
  default_role_name = "infinstor-${var.bucket_name}"
  role_name         = coalesce(var.role_name, length(local.default_role_name) <= 64 ? local.default_role_name : "${substr(local.default_role_name, 0, 55)}-${substr(sha1(var.bucket_name), 0, 8)}")

  # Seed 001, 1.1.3.3: what InfinStor's role needs in the key policy.
  infinstor_key_statements = [
    {
      Sid       = "Allow use of the key"
      Effect    = "Allow"
      Principal = { AWS = aws_iam_role.infinstor.arn }
      Action    = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
      Resource  = "*"
    },
    {
      Sid       = "Allow attachment of persistent resources"
      Effect    = "Allow"
      Principal = { AWS = aws_iam_role.infinstor.arn }
      Action    = ["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"]
      Resource  = "*"
      Condition = { Bool = { "kms:GrantIsForAWSResource" = "true" } }
    },
  ]
}

# The bucket, the CORS rule the MLflow UI needs to list and preview artifacts, and encryption.
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

resource "aws_s3_bucket_server_side_encryption_configuration" "artifacts" {
  bucket = aws_s3_bucket.artifacts.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = local.kms ? "aws:kms" : "AES256"
      kms_master_key_id = local.cmk ? local.key_arn : null
    }
    bucket_key_enabled = local.kms
  }
}

# Read, write and list access to this bucket, and nothing else.
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

# The partition (aws, aws-cn, aws-us-gov) every ARN here is written in.
data "aws_partition" "current" {}

# The role InfinStor's account assumes with the external ID.
data "aws_iam_policy_document" "infinstor_trust" {
  statement {
    effect  = "Allow"
    actions = ["sts:AssumeRole"]

    principals {
      type        = "AWS"
      identifiers = ["arn:${local.partition}:iam::${var.infinstor_account_id}:root"]
    }

    condition {
      test     = "StringEquals"
      variable = "sts:ExternalId"
      values   = [var.external_id]
    }
  }
}

resource "aws_iam_role" "infinstor" {
  name               = local.role_name
  description        = "Assumed by the InfinStor MLflow service to reach the artifacts bucket"
  assume_role_policy = data.aws_iam_policy_document.infinstor_trust.json
}

resource "aws_iam_role_policy_attachment" "access" {
  role       = aws_iam_role.infinstor.name
  policy_arn = aws_iam_policy.access.arn
}

# A customer managed key, when encryption = sse-kms-cmk and no key is given: the account's
# administrators keep full control (KMS's default statement), InfinStor's role may use it.
data "aws_caller_identity" "current" {
  count = local.create_key ? 1 : 0
}

resource "aws_kms_key" "artifacts" {
  count       = local.create_key ? 1 : 0
  description = "Encrypts the MLflow artifacts in ${var.bucket_name}"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid       = "Enable IAM User Permissions"
        Effect    = "Allow"
        Principal = { AWS = "arn:${local.partition}:iam::${one(data.aws_caller_identity.current[*].account_id)}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
    ], local.infinstor_key_statements)
  })
}
