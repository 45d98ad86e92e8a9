variable "stack_name" {
  description = "The Metaflow stack's name."
  type        = string
  default     = "metaflow"
}

variable "template_body" {
  description = "Metaflow's CloudFormation template (metaflow-cfn-template.yml of Metaflow's tools repository), e.g. file(\"metaflow-cfn-template.yml\"). Its parameters are checked at plan time."
  type        = string
}

variable "api_basic_auth" {
  description = "APIBasicAuth: require an API key for the metadata service; the module reads the key (sensitive) into the Metaflow configuration."
  type        = bool
  default     = true
}

variable "custom_role" {
  description = "CustomRole: create the restricted role users assume (output custom_role_arn; its trust policy stays yours to edit)."
  type        = bool
  default     = false
}

variable "enable_ui" {
  description = "EnableUI: deploy Metaflow's UI behind a load balancer, with Cognito sign-in; needs ui_domain_name."
  type        = bool
  default     = false
}

variable "ui_domain_name" {
  description = "With enable_ui: the UI's DNS name (PublicDomainName), e.g. metaflow.example.com."
  type        = string
  default     = null
}

variable "ui_dns" {
  description = "With enable_ui: route53 (the module requests the certificate with DNS validation and creates the validation and alias records in the zone) or manual (the module requests the certificate, unless certificate_arn is given, and prints the validation records and the CNAME to create at your DNS provider)."
  type        = string
  default     = "route53"

  validation {
    condition     = contains(["route53", "manual"], var.ui_dns)
    error_message = "ui_dns must be route53 or manual."
  }
}

variable "ui_zone_name" {
  description = "With ui_dns = route53: the hosted zone the UI's name is in; by default the name without its first label."
  type        = string
  default     = null
}

variable "certificate_arn" {
  description = "With enable_ui: an ACM certificate for ui_domain_name to use instead of requesting one."
  type        = string
  default     = null
}

variable "extra_parameters" {
  description = "Other parameters of the template (instance types, vCPU limits, CIDRs, ...), by name."
  type        = map(string)
  default     = {}
}

variable "config_path" {
  description = "Where to write the Metaflow configuration (e.g. pathexpand(\"~/.metaflowconfig/config.json\")); null: not written, only output."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags of the stack, which CloudFormation gives every resource of it that takes tags (the seed's \"tag your stack\" step)."
  type        = map(string)
  default     = {}
}
