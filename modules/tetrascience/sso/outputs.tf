output "user_pool_id" {
  description = "The user pool."
  value       = aws_cognito_user_pool.this.id
}

output "client_id" {
  description = "The platform's app client (SSO_CLIENT_ID)."
  value       = aws_cognito_user_pool_client.platform.id
}

output "sso_domain" {
  description = "The pool's hosted domain (SSO_DOMAIN)."
  value       = local.sso_domain
}

output "parameter_names" {
  description = "The Parameter Store names written, the client secret's among them (a SecureString)."
  value       = sort(concat([for p in aws_ssm_parameter.sso : p.name], [aws_ssm_parameter.client_secret.name]))
}

output "identity_provider_settings" {
  description = "What to give the identity provider: for SAML, the service provider's entity ID (urn:amazon:cognito:sp:<pool>) and assertion consumer URL; for OIDC, the redirect URI."
  value = {
    entity_id      = "urn:amazon:cognito:sp:${aws_cognito_user_pool.this.id}"
    acs_url        = "${local.sso_domain}/saml2/idpresponse"
    oidc_redirect  = "${local.sso_domain}/oauth2/idpresponse"
    platform_login = "https://${var.domain}/login/sso"
  }
}

output "manual_steps" {
  description = "What stays manual, in the seed's order."
  value = [
    "Give your identity provider the settings of output identity_provider_settings (SAML: the entity ID and assertion consumer URL; OIDC: the redirect URI), and have it send the group membership attribute ${var.identity_provider.groups_attribute}.",
    "Restart ts-service-user-org and ts-service-web so they read the new parameters: ECS console > the platform's cluster > each service > Update > Force new deployment (or aws ecs update-service --cluster CLUSTER --service SERVICE --force-new-deployment).",
    "Sign in at https://${var.domain} as an organization or system admin: Account > Organization > Single sign-on, and for each org role (admin, member, readonly) enter the identity provider groups whose members get it.",
  ]
}
