output "web_certificate_arn" {
  description = "The service layer's Certificate."
  value       = local.request ? aws_acm_certificate_validation.web[0].certificate_arn : aws_acm_certificate.web.arn
}

output "key_pair_name" {
  description = "The EC2 key pair for the EKS worker nodes."
  value       = aws_key_pair.admin.key_name
}

output "service_linked_roles" {
  description = "Service -> role ARN, and whether each was adopted rather than created."
  value       = { for s, r in aws_iam_service_linked_role.service : s => { arn = r.arn, adopted = r.adopted } }
}

output "manual_steps" {
  description = "What stays manual before the data layer."
  value = [
    "Click the verification link SES sent to ${var.source_notification_email}, and ask AWS support for SES production access.",
    "Confirm the deployer has AdministratorAccess and CloudTrail saves events to S3.",
    "If the data layer goes into an existing VPC (CreateVPC = false): its DHCP option set must have domain-name-servers = AmazonProvidedDNS; it needs 2 (preferably 3) private /24 or larger subnets and, unless Internet traffic goes through the corporate network, 2 (preferably 3) public /28 or larger subnets, each pair in different Availability Zones; every AWS service endpoint must be reachable from all its subnets (VPC endpoints may be needed); and the account needs 3 free Elastic IP addresses if the platform is reached from the Internet.",
    "For the Box integration: in Box's Dev Console, Create New App > Custom App > Standard OAuth 2.0 (User Authentication), then give its Client ID and Client Secret (OAuth 2.0 Credentials) as box.",
    "Send TetraScience the account ID, region and deployer identity. For the layers' service_catalog path: import the portfolio they share (Service Catalog console > Administration > Portfolios > Imported > Actions > Import portfolio, with the code they send), ${var.portfolio_principals == null ? "add the deployer under its Users, groups and roles (or give its ID and the deployer in portfolio_principals, and apply again)" : "(portfolio_principals adds the deployer to it)"}, and copy the two products' IDs (prod-...) from the product list.",
  ]
}
