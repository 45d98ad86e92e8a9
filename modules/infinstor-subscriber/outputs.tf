output "custom_token" {
  description = "The custom token the service returned for the subscriber (the stack's CustomToken)."
  value       = infinstor_subscriber.this.custom_token
  sensitive   = true
}

output "role_arn" {
  description = "The role InfinStor's service assumes for this subscriber (RoleForInfinStorMlflowService-<subscriber>)."
  value       = data.aws_iam_role.infinstor.arn
}

output "stack_id" {
  description = "The setup-customer stack."
  value       = aws_cloudformation_stack.subscriber.id
}

output "stack_outputs" {
  description = "The setup-customer stack's outputs."
  value       = aws_cloudformation_stack.subscriber.outputs
}

output "key_policy_statements" {
  description = "The key policy statements the subscriber's role needs on each customer managed key, as JSON: what to add by hand when manage_key_policy = false."
  value       = length(local.cmk_arns) > 0 ? jsonencode(local.role_statements) : null
}

output "manual_steps" {
  description = "What stays manual."
  value = concat(
    [
      "The superadmin's ID token (provider \"infinstor\" token) comes from InfinStor's authentication page; it expires, so get a fresh one before each apply.",
      "The service has no read or delete API: changes made in the service are not seen by infinstor, and destroying a subscriber or user only forgets it here.",
    ],
    length(var.users) > 0 ? ["Users sign in with the passwords given here; tell each user theirs."] : [],
    !var.manage_key_policy && length(local.cmk_arns) > 0 ? ["Add output key_policy_statements to the policy of each customer managed key: ${join(", ", local.cmk_arns)}."] : [],
  )
}
