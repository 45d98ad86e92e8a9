# Seed 004's single sign-on (optional): a Cognito user pool connected to the organization's
# identity provider, set up as the seed's "Setting up Cognito" asks, and the platform's
# "Setting up the platform" parameters written to Parameter Store.

terraform {
  required_providers {
    aws = { source = "hashicorp/aws" }
  }
}

data "aws_region" "current" {}

locals {
  callback_url = "https://${var.domain}/login/sso"
  logout_url   = "https://${var.domain}/logout"
  # What the Cognito console shows as the pool's domain name (App integration > Domain name).
  sso_domain = "https://${aws_cognito_user_pool_domain.this.domain}.auth.${data.aws_region.current.name}.amazoncognito.com"
  prefix     = "/tetrascience/${var.environment}/ECS"

  # The seed's table: attribute, the services that read it, its value; the client secret is a
  # SecureString.
  parameters = {
    "ts-service-user-org/SSO_DOMAIN"           = local.sso_domain
    "ts-service-web/SSO_DOMAIN"                = local.sso_domain
    "ts-service-user-org/SSO_CLIENT_ID"        = aws_cognito_user_pool_client.platform.id
    "ts-service-web/SSO_CLIENT_ID"             = aws_cognito_user_pool_client.platform.id
    "ts-service-user-org/SSO_REDIRECT_URI"     = local.callback_url
    "ts-service-user-org/SSO_GROUPS_ATTRIBUTE" = "custom:groups"
  }
}

# General settings > Attributes: email, given name and family name; a custom attribute
# `groups` of up to 2048 characters, mutable.
resource "aws_cognito_user_pool" "this" {
  name                     = coalesce(var.user_pool_name, "tetrascience-${var.environment}-sso")
  auto_verified_attributes = ["email"]

  dynamic "schema" {
    for_each = ["email", "given_name", "family_name"]
    content {
      name                = schema.value
      attribute_data_type = "String"
      required            = true
      mutable             = true
    }
  }

  schema {
    name                = "groups"
    attribute_data_type = "String"
    mutable             = true
    string_attribute_constraints {
      min_length = "0"
      max_length = "2048"
    }
  }

  tags = var.tags
}

# App integration > Domain name: the hosted sign-in pages the platform sends users to.
resource "aws_cognito_user_pool_domain" "this" {
  domain       = var.cognito_domain_prefix
  user_pool_id = aws_cognito_user_pool.this.id
}

# Federation > Attribute mapping: the identity provider's group membership attribute to
# custom:groups, and the given and family names.
resource "aws_cognito_identity_provider" "this" {
  user_pool_id     = aws_cognito_user_pool.this.id
  provider_name    = var.identity_provider.name
  provider_type    = var.identity_provider.type
  provider_details = var.identity_provider.details
  attribute_mapping = merge(
    {
      "custom:groups" = var.identity_provider.groups_attribute
      given_name      = var.identity_provider.given_name_attribute
      family_name     = var.identity_provider.family_name_attribute
    },
    var.identity_provider.email_attribute == null ? {} : { email = var.identity_provider.email_attribute },
  )
}

# App clients: readable attributes email, family name, given name and custom:groups; the
# deployment's callback and logout URLs; OAuth scopes email, openid and profile; a secret.
resource "aws_cognito_user_pool_client" "platform" {
  name                                 = "tetrascience-${var.environment}"
  user_pool_id                         = aws_cognito_user_pool.this.id
  generate_secret                      = true
  allowed_oauth_flows_user_pool_client = true
  allowed_oauth_flows                  = ["code"]
  allowed_oauth_scopes                 = ["email", "openid", "profile"]
  callback_urls                        = [local.callback_url]
  logout_urls                          = [local.logout_url]
  supported_identity_providers         = [aws_cognito_identity_provider.this.provider_name]
  read_attributes                      = ["email", "family_name", "given_name", "custom:groups"]
}

# Setting up the platform: the values, where the seed's table puts them.
resource "aws_ssm_parameter" "sso" {
  for_each = local.parameters
  name     = "${local.prefix}/${each.key}"
  type     = "String"
  value    = each.value
}

resource "aws_ssm_parameter" "client_secret" {
  name  = "${local.prefix}/ts-service-user-org/SSO_CLIENT_SECRET"
  type  = "SecureString"
  value = aws_cognito_user_pool_client.platform.client_secret
}
