variable "environment" {
  description = "The Environment of the data layer (production), used in the SSM parameter paths /tetrascience/<environment>/ECS/..."
  type        = string
  default     = "production"
}

variable "adopt_existing_service_linked_roles" {
  description = "The ECS and Elasticsearch service-linked roles exist already in many accounts: adopt them (managed from now on, only forgotten on destroy) instead of failing."
  type        = bool
  default     = true
}

variable "admin_public_key" {
  description = "The OpenSSH public key of the EC2 key pair for admin access to EKS worker nodes."
  type        = string
}

variable "key_pair_name" {
  description = "The EC2 key pair's name."
  type        = string
  default     = "tetrascience-admin"
}

variable "source_notification_email" {
  description = "The sender of the platform's notification emails (the data layer's SourceNotificationEmail), verified with SES."
  type        = string
}

variable "integration_parameters" {
  description = "Other settings of the ECS services, by their path under /tetrascience/<environment>/ECS/ (e.g. \"ts-service-link-file/BOX_CLIENT_ID\") or by their full path (starting with /), stored as SecureString."
  type        = map(string)
  default     = {}
  sensitive   = true
}

variable "box" {
  description = "With the Box integration: the Box OAuth 2.0 custom app's client ID and secret, written where the seed's table puts them (BOX_CLIENT_ID and BOX_CLIENT_SECRET of ts-service-link-file, INT_BOX_CLIENT_ID of ts-service-web)."
  type = object({
    client_id     = string
    client_secret = string
  })
  default   = null
  sensitive = true
}

variable "egnyte" {
  description = "With the Egnyte integration: the Egnyte client ID (INT_EGNYTE_CLIENT_ID of ts-service-web)."
  type = object({
    client_id = string
  })
  default   = null
  sensitive = true
}

variable "web_domain" {
  description = "The web UI's domain (the service layer's PublicDomain)."
  type        = string
}

variable "web_certificate" {
  description = "The web certificate: requested (\"request\", DNS validation in Route 53 zone web_zone_id), imported (\"import\", certificate_body and private_key; RSA 1024 or 2048 only), or generated here and imported (\"self-signed\", RSA 2048)."
  type        = string
  default     = "request"

  validation {
    condition     = contains(["request", "import", "self-signed"], var.web_certificate)
    error_message = "web_certificate must be request, import or self-signed."
  }
}

variable "self_signed_validity_days" {
  description = "With web_certificate = self-signed: how long the certificate is valid (it is renewed in its last 30 days)."
  type        = number
  default     = 365

  validation {
    condition     = var.self_signed_validity_days > 30
    error_message = "self_signed_validity_days must be more than the 30 days of renewal before the end."
  }
}

variable "web_zone_id" {
  description = "With web_certificate = request: the Route 53 hosted zone of web_domain."
  type        = string
  default     = null
}

variable "certificate_body" {
  description = "With web_certificate = import: the certificate (PEM)."
  type        = string
  default     = null
}

variable "certificate_chain" {
  description = "With web_certificate = import: the chain of intermediate certificates (PEM) that issued it, when a CA did."
  type        = string
  default     = null
}

variable "certificate_private_key" {
  description = "With web_certificate = import: its private key (PEM)."
  type        = string
  default     = null
  sensitive   = true
}

variable "portfolio_principals" {
  description = "For the layers' service_catalog path, once the portfolio TetraScience shares is imported (Service Catalog console > Administration > Portfolios > Imported > Import portfolio, with the code they send): its ID (port-...) and the IAM users or roles to add under its Users, groups and roles (the deployer), who may then launch its products."
  type = object({
    portfolio_id   = string
    principal_arns = list(string)
  })
  default = null

  validation {
    condition     = var.portfolio_principals == null || can(regex("^port-[a-z0-9]+$", var.portfolio_principals.portfolio_id))
    error_message = "portfolio_principals.portfolio_id looks like port-abcd1234efgh5 (the imported portfolio's ID in the Service Catalog console, not its name)."
  }
}
