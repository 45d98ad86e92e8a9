output "metaflow_config" {
  description = "The Metaflow configuration (METAFLOW_* keys) as JSON, ready for ~/.metaflowconfig/config.json; sensitive when it holds the API key."
  value       = jsonencode(local.config)
  sensitive   = true
}

output "stack_outputs" {
  description = "The stack's outputs."
  value       = local.outputs
}

output "custom_role_arn" {
  description = "With custom_role: the restricted role's ARN (MetaflowUserRoleArn)."
  value       = var.custom_role ? lookup(local.outputs, "MetaflowUserRoleArn", null) : null
}

output "ui_dns_record" {
  description = "With enable_ui and ui_dns = manual: the record to create at your DNS provider."
  value       = local.ui && !local.route53 ? "${var.ui_domain_name}. 300 IN CNAME ${local.outputs["LoadBalancerUIDNSName"]}." : null
}

output "manual_steps" {
  description = "What stays manual."
  value = concat(
    var.custom_role ? ["Edit the trust policy of ${lookup(local.outputs, "MetaflowUserRoleArn", "the custom role")} to name the users or roles that assume it, and have them configure an AWS CLI profile that assumes it."] : [],
    local.ui && !local.route53 ? ["Create the record in output ui_dns_record at your DNS provider."] : [],
    local.ui ? ["Create UI users in Cognito: AWS console > Cognito > User Pools > the pool of stack ${var.stack_name} > Users."] : [],
    var.config_path == null ? ["Write output metaflow_config to ~/.metaflowconfig/config.json (infinstor output -raw metaflow_config), or set config_path."] : [],
  )
}
