variable "domain" {
  description = "Your domain, e.g. yourcompany.com. The service is installed at <subdomain>.<domain>."
  type        = string
}

variable "subdomain" {
  description = "The service's name under the domain; \"\" installs it at the domain itself (api.<domain>, ...)."
  type        = string
  default     = "infinstor"

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]*[a-z0-9])?)?$", var.subdomain))
    error_message = "subdomain must be one DNS label (lower-case letters, digits and hyphens), or \"\" for the domain itself."
  }
}

variable "dns" {
  description = "route53: the domain is a Route 53 hosted zone this account may write (seed 000 scenarios #1, #2). manual: DNS is elsewhere; the module prints the records to create by hand (scenarios #3, #4)."
  type        = string
  default     = "route53"

  validation {
    condition     = contains(["route53", "manual"], var.dns)
    error_message = "dns must be \"route53\" or \"manual\"."
  }
}

variable "zone_name" {
  description = "With dns = route53: the hosted zone, when it is not the domain itself."
  type        = string
  default     = null
}

variable "certificate_arn" {
  description = "An ACM certificate you already have for *.<subdomain>.<domain> (a wildcard, scenarios #2, #4), in us-east-1 (CloudFront's region). Left null, the module requests one there with DNS validation (scenarios #1, #3)."
  type        = string
  default     = null

  validation {
    condition     = can(regex("^arn:[a-z-]+:acm:us-east-1:", coalesce(var.certificate_arn, "arn:aws:acm:us-east-1:")))
    error_message = "certificate_arn must be a certificate in us-east-1: CloudFront, which serves the service's web front ends, only takes certificates from there. Import or request it in us-east-1."
  }
}

variable "records_created_by_stack" {
  description = "With dns = route53: the root stack creates the five subdomain records itself (it is given the hosted zone ID); the module then creates none, so each record has one owner."
  type        = bool
  default     = false
}

variable "stack_name" {
  description = "The root stack's name."
  type        = string
  default     = "infinstor"
}

variable "template_body" {
  description = "The root stack's template (file(...) of the template InfinStor provides). Give this or template_url."
  type        = string
  default     = null
}

variable "template_url" {
  description = "The S3 URL of the root stack's template. Give this or template_body."
  type        = string
  default     = null
}

variable "stack_parameter_names" {
  description = "The root stack template's names for the parameters the module fills in: the certificate's ARN, the service's domain name and (for records_created_by_stack) the hosted zone ID. Read them from the template InfinStor gives you (its Parameters section); the plan stops when the template does not declare a name given here."
  type = object({
    certificate_arn = string
    domain_name     = string
    hosted_zone_id  = optional(string)
  })
}

variable "stack_parameters" {
  description = "Further parameters of the root stack, beside those of stack_parameter_names, which the module sets."
  type        = map(string)
  default     = {}
}
