output "data_stack_name" {
  description = "The data layer's stack (the service layer's DataStack); with service_catalog, the stack Service Catalog made for the product."
  value       = local.data_stack_name

}

output "data_layer_outputs" {
  description = "The data layer's outputs (the stack's, or the provisioned product's)."
  value       = local.stacks ? aws_cloudformation_stack.data[0].outputs : local.data_product_outputs
}

output "service_layer_outputs" {
  description = "The service layer's outputs (the stack's, or the provisioned product's)."
  value       = local.stacks ? aws_cloudformation_stack.service[0].outputs : { for o in aws_servicecatalog_provisioned_product.service[0].outputs : o.key => o.value }
}

output "post_deployment_checklist" {
  description = "What stays manual after both layers are deployed (seed 004's post-deployment tasks)."
  value = concat(
    [
      "Confirm the SNS subscription: click the link in the \"AWS Notification - Subscription Confirmation\" email sent to ${var.data_layer.NotificationEmail}.",
      "Ask AWS support to take SES out of the sandbox, so notification emails from ${var.data_layer.SourceNotificationEmail} reach everyone.",
      "Make the EKS cluster endpoint private (AWS console or CLI); CloudFormation cannot do it yet.",
      "Enforce HTTPS on Elasticsearch: aws es update-elasticsearch-domain-config --domain-name <domain_name> --domain-endpoint-options EnforceHTTPS=true",
      "Disable the default admin user in the portal (irreversible from the portal).",
      "Generate secure credentials for each organization: Accounts > Manage Organizations > the org > AWS.",
    ],
    local.existing_vpc && var.s3_gateway_endpoint ? [] : ["Consider an S3 gateway VPC endpoint to cut data transfer costs${local.existing_vpc ? " (s3_gateway_endpoint = true adds it to the VPC's route tables)" : ""}."],
    var.disaster_recovery != null ? ["Unless disaster-recovery's snapshot tool takes output rds_kms_key_arn as kms_key_source (examples/tetrascience does), deploy the RDS snapshot tool stack in the DR account with it."] : [],
  )
}

output "rds_kms_key_arn" {
  description = "With disaster recovery: the ARN of the key the data layer made for RDS snapshots (alias ts-rds-production), disaster-recovery's kms_key_source."
  value       = one(data.aws_kms_alias.rds[*].target_key_arn)
}
