output "bucket" {
  description = "The artifacts bucket to configure in InfinStor."
  value       = aws_s3_bucket.artifacts.bucket
}

output "role_arn" {
  description = "The role ARN to give InfinStor."
  value       = aws_iam_role.infinstor.arn
}

output "kms_key_arn" {
  description = "The customer managed key that encrypts the bucket (null without one)."
  value       = local.cmk ? local.key_arn : null
}

output "kms_key_policy_statements" {
  description = "With a key you gave (kms_key_arn): the statements to add to its key policy, beside its existing ones, so that InfinStor's role can use the key. Null otherwise: the module's own key already has them."
  value       = local.cmk && !local.create_key ? jsonencode(local.infinstor_key_statements) : null
}
