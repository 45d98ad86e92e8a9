output "certificate_arn" {
  description = "The certificate the service uses (requested and validated here, or the one supplied)."
  value       = local.certificate_arn
}

output "endpoints" {
  description = "Subdomain -> its name (api -> api.infinstor.yourcompany.com)."
  value       = { for k, _ in local.targets : k => "${k}.${local.service_domain}" }
}

output "record_targets" {
  description = "Subdomain -> the name its CNAME points at (from the root stack's exports)."
  value       = { for k, e in data.aws_cloudformation_export.target : k => e.value }
}

output "dns_records_to_create" {
  description = "With dns = manual: every record to create by hand at your DNS provider, in zone-file syntax (the certificate's validation CNAMEs first: the certificate is issued only once they resolve). Empty with dns = route53."
  value = local.route53 ? "" : join("\n", concat(
    distinct([for dvo in local.validation_options : "${dvo.resource_record_name} 300 IN ${dvo.resource_record_type} ${dvo.resource_record_value}"]),
    [for k, e in data.aws_cloudformation_export.target : "${k}.${local.service_domain}. 300 IN CNAME ${e.value}."],
  ))
}
