variable "environment" {
  description = "The platform's environment (the data layer's Environment): the {environment} of the seed's Parameter Store paths."
  type        = string
  default     = "production"
}

variable "domain" {
  description = "The deployment's domain (the service layer's PublicDomain): the callback is https://<domain>/login/sso, the logout URL https://<domain>/logout."
  type        = string
}

variable "cognito_domain_prefix" {
  description = "The prefix of the user pool's hosted domain, <prefix>.auth.<region>.amazoncognito.com (lower-case letters, digits and hyphens; unique in the region)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", var.cognito_domain_prefix)) && !can(regex("aws|amazon|cognito", var.cognito_domain_prefix))
    error_message = "cognito_domain_prefix must be 1 to 63 lower-case letters, digits and hyphens, not starting or ending with a hyphen, and without aws, amazon or cognito (Cognito reserves them)."
  }
}

variable "user_pool_name" {
  description = "The user pool's name; null: tetrascience-<environment>-sso."
  type        = string
  default     = null
}

variable "identity_provider" {
  description = "The organization's identity provider: its name in Cognito, SAML or OIDC, the provider details Cognito takes (SAML: MetadataURL or MetadataFile; OIDC: client_id, client_secret, oidc_issuer, authorize_scopes, attributes_request_method), and the names of its attributes for group membership, given name, family name and (optionally) email."
  type = object({
    name                  = string
    type                  = string
    details               = map(string)
    groups_attribute      = string
    given_name_attribute  = optional(string, "given_name")
    family_name_attribute = optional(string, "family_name")
    email_attribute       = optional(string)
  })

  validation {
    condition     = contains(["SAML", "OIDC"], var.identity_provider.type)
    error_message = "identity_provider.type must be SAML or OIDC."
  }
}

variable "tags" {
  description = "Tags of the user pool."
  type        = map(string)
  default     = {}
}
