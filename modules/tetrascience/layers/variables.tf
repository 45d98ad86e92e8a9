variable "infrastructure_name" {
  description = "InfrastructureName: the root of every name the platform creates (validate it with TetraScience; the DR stack must use the same)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,39}$", var.infrastructure_name))
    error_message = "infrastructure_name must be 2 to 40 lower-case letters, digits and hyphens, starting with a letter."
  }
}

variable "template_version" {
  description = "CFTemplateVersion: the platform version (both layers), e.g. v1.0.0."
  type        = string

  validation {
    condition     = can(regex("^v[0-9]+\\.[0-9]+\\.[0-9]+$", var.template_version))
    error_message = "template_version must look like v1.2.3."
  }
}

variable "template_bucket" {
  description = "CFTemplateBucket: prefix of the bucket holding the platform's artifacts. Do not change."
  type        = string
  default     = "ts-platform-artifacts"
}

variable "data_layer_template_url" {
  description = "The data layer's CloudFormation template (from TetraScience), to deploy the layers as stacks. Read at plan time: parameters it does not declare fail the plan. Null with service_catalog."
  type        = string
  default     = null
}

variable "service_layer_template_url" {
  description = "The service layer's CloudFormation template (from TetraScience), to deploy the layers as stacks. Null with service_catalog."
  type        = string
  default     = null

  validation {
    condition     = (var.service_catalog == null) == (var.data_layer_template_url != null && var.service_layer_template_url != null) && (var.service_catalog == null || (var.data_layer_template_url == null && var.service_layer_template_url == null))
    error_message = "Deploy the layers one way: set service_catalog (the products TetraScience shares), or both data_layer_template_url and service_layer_template_url (stacks from the templates), not both."
  }
}

variable "service_catalog" {
  description = "The seed's own path: launch both layers as the Service Catalog products of the portfolio TetraScience shared (imported beforehand), version template_version. The product IDs are in the Service Catalog console's product list; launch_path_name picks a launch path when a product has several."
  type = object({
    data_layer_product_id    = string
    service_layer_product_id = string
    launch_path_name         = optional(string)
    timeout                  = optional(string, "3h")
  })
  default = null

  validation {
    condition     = var.service_catalog == null || can(regex("^prod-[a-z0-9]+$", var.service_catalog.data_layer_product_id)) && can(regex("^prod-[a-z0-9]+$", var.service_catalog.service_layer_product_id))
    error_message = "service_catalog product IDs look like prod-abcd1234efgh5 (the Service Catalog console's product ID, not its name)."
  }
}

variable "data_layer" {
  description = "The data layer's parameters, as the seed's table names them; those with a default may be left out."
  type = object({
    Environment             = optional(string, "production")
    IAMRolePrefix           = optional(string, "")
    IAMBoundaryPolicy       = optional(string, "")
    EnableElasticsearch     = optional(bool, true)
    EnableLogging           = optional(bool, false)
    EsMasterInstanceType    = optional(string, "t3.medium.elasticsearch")
    EsDatanodeInstanceType  = optional(string, "m4.large.elasticsearch")
    EsDatanodeInstanceCount = optional(number, 2)
    EsDatanodeVolumeSize    = optional(number, 100)
    EsBackupInterval        = optional(number, 6)
    InstanceTypeRDS         = optional(string, "db.t2.medium")
    RDSBackupInterval       = optional(number, 24)
    RDSBackupSchedule       = optional(string, "0 1 * ?")
    RDSBackupRetentionDays  = optional(number, 30)
    RDSSnapShot             = optional(string, "")
    CreateVPC               = optional(bool, true)
    VpcCIDR                 = optional(string, "")
    VPCID                   = optional(string, "")
    PublicSubnetIds         = optional(list(string), [])
    PrivateSubnetIds        = optional(list(string), [])
    IsolatedSubnetIds       = optional(list(string), [])
    LogsEndpoint            = optional(string, "")
    MonitoringEndpoint      = optional(string, "")
    SqsEndpoint             = optional(string, "")
    CloudformationEndpoint  = optional(string, "")
    NotificationEmail       = string
    SourceNotificationEmail = string
    LogRetentionDays        = optional(number, 90)
    LambdaPrefix            = optional(string, "")
    STBucket                = optional(string, "")
    DLBucket                = optional(string, "")
  })

  validation {
    condition     = var.data_layer.CreateVPC ? can(cidrhost(var.data_layer.VpcCIDR, 0)) : (var.data_layer.VPCID != "" && length(var.data_layer.PrivateSubnetIds) >= 2)
    error_message = "With CreateVPC = true, VpcCIDR must be a network block such as 10.200.0.0/16; with CreateVPC = false, give VPCID and at least two PrivateSubnetIds."
  }
  validation {
    condition     = can(regex("^[^@ ]+@[^@ ]+$", var.data_layer.NotificationEmail)) && can(regex("^[^@ ]+@[^@ ]+$", var.data_layer.SourceNotificationEmail))
    error_message = "NotificationEmail and SourceNotificationEmail must be email addresses (the source one verified in SES)."
  }
  validation {
    condition     = var.data_layer.RDSBackupRetentionDays >= 1 && var.data_layer.RDSBackupRetentionDays <= 100 && var.data_layer.EsDatanodeInstanceCount >= 1
    error_message = "RDSBackupRetentionDays must be 1 to 100 (at most 100 snapshots are kept per database), and EsDatanodeInstanceCount at least 1."
  }
}

variable "disaster_recovery" {
  description = "With disaster recovery (EnableDR): the DR account and the three values the DR stack outputs (module tetrascience/disaster-recovery's data_layer_inputs); null: no DR."
  type = object({
    DRAWSAccountId         = string
    DRDatalakeKMSKey       = string
    DRDatalakeBucket       = string
    DRStreamBucket         = string
    DRBackupBucket         = string
    DRLocalArtifactsBucket = string
  })
  default = null
}

variable "service_layer" {
  description = "The service layer's parameters, as the seed's table names them; DataStack is the data layer's stack and is filled in."
  type = object({
    Branch                     = optional(string, "master")
    EnableLogging              = optional(bool, false)
    ClusterType                = optional(string, "Fargate")
    InstanceTypeECS            = optional(string, "t2.large")
    ConnectorMaxMemory         = optional(number, 2048)
    TaskThroughput             = optional(number, 20)
    EnableWinTaskScriptService = optional(bool, true)
    WindowsInstanceType        = optional(string, "t3.medium")
    PublicDomain               = string
    ExposedOnInternet          = optional(bool, false)
    NoDNSWeb                   = optional(bool, false)
    PublicDomainZoneId         = optional(string, "")
    Certificate                = optional(string, "")
    PrivateDomain              = optional(string, "ts-dip.internal")
    MinCapacity                = optional(number, 2)
    MaxCapacity                = optional(number, 4)
    LambdaPrefix               = optional(string, "")
    AthenaCreateIamUser        = optional(bool, false)
    UserAuditLogGroupSuffix    = optional(string, "user-action-audit-log")
  })

  validation {
    condition     = var.service_layer.MinCapacity >= 0 && var.service_layer.MaxCapacity >= var.service_layer.MinCapacity
    error_message = "MaxCapacity must be at least MinCapacity, and both at least 0."
  }
  validation {
    condition     = var.service_layer.ClusterType == "Fargate"
    error_message = "ClusterType must stay Fargate (the seed: do not change the default)."
  }
}

variable "data_layer_extra_parameters" {
  description = "Parameters of the data layer's template the seed's table does not list (a newer template's), by name, as text."
  type        = map(string)
  default     = {}

  validation {
    condition     = length(setintersection(keys(var.data_layer_extra_parameters), concat(keys(var.data_layer), ["CFTemplateBucket", "CFTemplateVersion", "InfrastructureName", "EnableDR", "DRAWSAccountId", "DRDatalakeKMSKey", "DRDatalakeBucket", "DRStreamBucket", "DRBackupBucket", "DRLocalArtifactsBucket"]))) == 0
    error_message = "data_layer_extra_parameters may only hold parameters the module does not set: give the others in data_layer, disaster_recovery or the module's own inputs."
  }
}

variable "service_layer_extra_parameters" {
  description = "Parameters of the service layer's template the seed's table does not list (a newer template's), by name, as text."
  type        = map(string)
  default     = {}

  validation {
    condition     = length(setintersection(keys(var.service_layer_extra_parameters), concat(keys(var.service_layer), ["CFTemplateVersion", "DataStack"]))) == 0
    error_message = "service_layer_extra_parameters may only hold parameters the module does not set: give the others in service_layer."
  }
}

variable "stack_timeout" {
  description = "With the templates as stacks: how long each layer's create, update or delete is waited for (the seed: the data layer takes two to three hours)."
  type        = string
  default     = "3h"
}

variable "s3_gateway_endpoint" {
  description = "With an existing VPC (CreateVPC = false): add the S3 gateway endpoint the seed recommends to all of the VPC's route tables (leave false when the VPC has one already)."
  type        = bool
  default     = false
}
