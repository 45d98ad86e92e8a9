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

output "ui_certificate_validation_records" {
  description = "With enable_ui, ui_dns = manual and no certificate_arn: the DNS records ACM validates the UI's certificate with (name, type, value), to create at your DNS provider (apply names them while it waits) and keep there, for ACM's renewals."
  value       = local.request && !local.route53 ? distinct([for dvo in aws_acm_certificate.ui[0].domain_validation_options : "${dvo.resource_record_name} ${dvo.resource_record_type} ${dvo.resource_record_value}"]) : []
}

output "manual_steps" {
  description = "What stays manual."
  value = concat(
    var.custom_role ? ["Edit the trust policy of ${lookup(local.outputs, "MetaflowUserRoleArn", "the custom role")} to name the users or roles that assume it, and have them configure an AWS CLI profile that assumes it."] : [],
    local.request && !local.route53 ? ["Keep the records of output ui_certificate_validation_records at your DNS provider (you created them while apply waited for the certificate): ACM renews the certificate through them."] : [],
    local.ui && !local.route53 ? ["Create the record in output ui_dns_record at your DNS provider."] : [],
    local.ui ? ["Create UI users in Cognito: AWS console > Cognito > User Pools > the pool of stack ${var.stack_name} > Users."] : [],
    var.config_path == null ? ["Write output metaflow_config to ~/.metaflowconfig/config.json (infinstor output -raw metaflow_config), or set config_path."] : [],
  )
}
