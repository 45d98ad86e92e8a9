#![deny(missing_docs)]
//! The providers of infinstor: AWS, and `infinstor`, `local`, `random`, `tls` and Terraform's
//! built-in `terraform`.
//!
//! [`AllProviders`] is the CLI's factory: `registry.rs` declares each provider once, and every
//! call for a type goes to the provider that declares it. [`AwsFactory`] is the AWS provider's
//! own: it knows every resource and data source schema without credentials, and
//! [`ProviderFactory::configure`] turns an evaluated `provider "aws" { ... }` block into a
//! [`Provider`] whose SDK clients connect lazily.
//!
//! # Layout
//!
//! From the top down, no file importing one above it: `lib.rs` (this factory), `registry.rs`,
//! `aws.rs` (the AWS factory and configured provider), `service.rs` (one row per AWS service:
//! its SDK name, whether it is regional, its folder's types), then one folder per AWS service
//! (`s3/`, `s3control/`, `iam/`, `route53/`, `acm/`, `cloudformation/`, `kms/`, `ssm/`,
//! `dynamodb/`, `servicecatalog/`, `logs/`, ...), with one file per resource type and one per
//! data source, named after the type (`s3/cors.rs` is `aws_s3_bucket_cors_configuration`,
//! `route53/zone_data.rs` is `data "aws_route53_zone"`); `meta/` holds the data sources about
//! the account, region and partition; `builtin/` Terraform's built-in `terraform` provider. A
//! service's `mod.rs` lists its types and holds what only its files share. Under them:
//! `config.rs` turns the provider block into SDK clients; `support/` is the resource kit every
//! service uses (attributes, tags, naming, SDK errors, dates, the one waiter,
//! the caller's account); [`resource`] is the small trait each type implements, and `calls.rs`
//! counts requests. No service imports from another.
//!
//! ```no_run
//! use engine::core::provider::{ProviderFactory, ReadRequest};
//! use engine::core::value::{map, Value};
//! use providers::AwsFactory;
//!
//! let factory = AwsFactory::new();
//! assert!(factory.resource_schema("aws_s3_bucket").is_some());
//! let provider = factory
//!     .configure("aws", &map([("region", Value::from("eu-west-1"))]))
//!     .expect("configured");
//! let prior = map([("bucket", Value::from("my-bucket"))]);
//! let state = provider.read(ReadRequest { type_name: "aws_s3_bucket", prior: &prior });
//! ```

pub mod resource;

mod acm;
mod apigateway;
mod archive;
mod autoscaling;
mod aws;
mod builtin;
mod calls;
mod cloudformation;
mod cloudfront;
mod cloudwatch;
mod cognito;
mod config;
mod dynamodb;
mod ec2;
mod ecr;
mod elb;
mod events;
mod external;
mod iam;
mod infinstor;
mod kms;
mod lambda;
mod local;
mod logs;
mod meta;
mod not_yet;
mod null;
mod random;
mod region;
mod registry;
#[cfg(test)]
mod replay;
mod route53;
mod s3;
mod s3control;
mod secretsmanager;
mod service;
mod servicecatalog;
mod sesv2;
mod sns;
mod sqs;
mod ssm;
mod support;
mod time;
mod tls;

pub use aws::AwsFactory;
pub use support::wait::interrupt;

use engine::core::finding::Finding;
use engine::core::provider::{Provider, ProviderError, ProviderFactory, ValidateProblem, ValidateRequest};
use engine::core::schema::Schema;
use engine::core::value::Value;
use std::sync::Arc;

/// Every provider infinstor has: `aws`, `infinstor` (the InfinStor service's REST API), `local`
/// (files), `random` (generated values), `tls` (keys and certificates) and the built-in
/// `terraform` provider (`terraform_data`, `terraform_remote_state`). The CLI's factory; each
/// call goes to the provider the registry says declares the type.
#[derive(Debug, Default, Clone, Copy)]
pub struct AllProviders;

impl AllProviders {
    /// A new factory.
    pub fn new() -> AllProviders {
        AllProviders
    }
}

impl ProviderFactory for AllProviders {
    fn providers(&self) -> Vec<engine::core::provider::ProviderInfo> {
        registry::info(registry::PROVIDERS.iter())
    }

    fn resource_schema(&self, type_name: &str) -> Option<Schema> {
        registry::owner_of(type_name, false).and_then(|p| (p.resource_schema)(type_name))
    }

    fn data_schema(&self, type_name: &str) -> Option<Schema> {
        registry::owner_of(type_name, true).and_then(|p| (p.data_schema)(type_name))
    }

    fn resource_types(&self) -> Vec<String> {
        registry::PROVIDERS.iter().flat_map(|p| (p.resource_types)()).collect()
    }

    fn ephemeral_schema(&self, type_name: &str) -> Option<Schema> {
        registry::owner_of_ephemeral(type_name).and_then(|p| (p.ephemeral_schema)(type_name))
    }

    fn ephemeral_types(&self) -> Vec<String> {
        registry::PROVIDERS.iter().flat_map(|p| (p.ephemeral_types)()).collect()
    }

    fn batched(&self, type_name: &str) -> bool {
        registry::owner_of(type_name, false).is_some_and(|p| (p.batched)(type_name))
    }

    fn already_exists(&self, code: &str) -> bool {
        // Only the AWS provider's errors carry service codes that say so.
        AwsFactory.already_exists(code)
    }

    fn not_yet_type(&self, type_name: &str) -> Option<&'static str> {
        registry::PROVIDERS.iter().find_map(|p| (p.not_yet_type)(type_name))
    }

    fn data_types(&self) -> Vec<String> {
        registry::PROVIDERS.iter().flat_map(|p| (p.data_types)()).collect()
    }

    fn validate(&self, req: ValidateRequest<'_>) -> Vec<ValidateProblem> {
        match registry::owner_of(req.type_name, req.data) {
            Some(p) => (p.validate)(req),
            // Not a type any provider declares: the AWS provider names what it lacks.
            None => AwsFactory.validate(req),
        }
    }

    fn config_schema(&self, provider: &str) -> Option<Schema> {
        registry::named(provider).map(|p| (p.config_schema)())
    }

    fn configure(&self, provider: &str, config: &Value) -> Result<Arc<dyn Provider>, ProviderError> {
        match registry::named(provider) {
            Some(p) => (p.configure)(config),
            None => Err(ProviderError::new(
                "UnknownProvider",
                format!("there is no provider \"{provider}\""),
            )),
        }
    }

    fn review(&self, type_name: &str, address: &str, before: Option<&Value>, after: Option<&Value>) -> Vec<Finding> {
        match registry::owner_of(type_name, false) {
            Some(p) => (p.review)(type_name, address, before, after),
            None => Vec::new(),
        }
    }
}
