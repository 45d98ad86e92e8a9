output "certificate_arn" {
  description = "The certificate the service uses (requested and validated here, or the one supplied)."
  value       = local.certificate_arn
}

output "endpoints" {
  description = "Subdomain -> its name, from the stack's infinstor:<Name>DnsName exports (api -> api.infinstor.yourcompany.com)."
  value       = local.record_names
}

output "record_targets" {
  description = "Subdomain -> the name its CNAME points at (from the root stack's exports)."
  value       = { for k, e in data.aws_cloudformation_export.target : k => e.value }
}

output "dns_records_to_create" {
  description = "With dns = manual: every record to create by hand at your DNS provider, in zone-file syntax (the certificate's validation CNAMEs first: the certificate is issued only once they resolve). Empty with dns = route53."
  value = local.route53 ? "" : join("\n", concat(
    distinct([for dvo in local.validation_options : "${dvo.resource_record_name} 300 IN ${dvo.resource_record_type} ${dvo.resource_record_value}"]),
    [for k, e in data.aws_cloudformation_export.target : "${local.record_names[k]}. 300 IN CNAME ${e.value}."],
  ))
}

output "installer_policy_json" {
  description = "Seed 000's required permissions as an IAM policy for the administrator who installs the root stack: DNS entries in the hosted zone, certificates, serverless applications (with the services they deploy), DynamoDB tables and the EC2 instances of MLflow projects."
  value       = data.aws_iam_policy_document.installer.json
}
