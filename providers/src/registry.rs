//! Every provider infinstor has, declared once: its name, the source address a
//! `required_providers` entry names, its configuration schema, how it is configured, and its
//! resource and data source types with their schemas, checks, batching and review. Dispatch
//! goes through [`owner_of`] (which provider declares a type), never through a type name's
//! spelling; a new provider is one [`ProviderSpec`] added to [`PROVIDERS`].

use crate::aws::{self, AwsFactory};
use crate::builtin::terraform_data;
use crate::{archive, external, infinstor, local, null, random, time, tls};
use engine::core::finding::Finding;
use engine::core::provider::{
    Provider, ProviderError, ProviderFactory, ProviderInfo, ValidateProblem, ValidateRequest,
};
use engine::core::schema::Schema;
use engine::core::value::Value;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// One provider, as the engine and the registry see it.
pub(crate) struct ProviderSpec {
    /// The local name configurations use (`provider "aws"`, `aws_s3_bucket`).
    pub(crate) name: &'static str,
    /// The registry source it stands in for (`hashicorp/aws`).
    pub(crate) source: &'static str,
    /// Whether it reads a module's `provider_meta` block (the products it adds to the
    /// User-Agent of its requests). Only AWS does, as in Terraform.
    pub(crate) takes_meta: bool,
    /// The schema of its `provider` block.
    pub(crate) config_schema: fn() -> Schema,
    /// Builds a configured provider from an evaluated `provider` block.
    pub(crate) configure: fn(&Value) -> Result<Arc<dyn Provider>, ProviderError>,
    /// Its managed resource types.
    pub(crate) resource_types: fn() -> Vec<String>,
    /// The schema of one of its resource types.
    pub(crate) resource_schema: fn(&str) -> Option<Schema>,
    /// Its data source types.
    pub(crate) data_types: fn() -> Vec<String>,
    /// The schema of one of its data source types.
    pub(crate) data_schema: fn(&str) -> Option<Schema>,
    /// Its ephemeral resource types (`ephemeral "TYPE" "NAME"`).
    pub(crate) ephemeral_types: fn() -> Vec<String>,
    /// The schema of one of its ephemeral resource types.
    pub(crate) ephemeral_schema: fn(&str) -> Option<Schema>,
    /// Checks beyond the schema (arguments that conflict, value ranges).
    pub(crate) validate: fn(ValidateRequest<'_>) -> Vec<ValidateProblem>,
    /// Types of this provider that infinstor does not have yet, with what to do meanwhile.
    pub(crate) not_yet_type: fn(&str) -> Option<&'static str>,
    /// What a change of one of its objects means to a reviewer.
    pub(crate) review: fn(&str, &str, Option<&Value>, Option<&Value>) -> Vec<Finding>,
    /// Whether a resource type's changes are applied in batches (`Provider::apply_batch`).
    pub(crate) batched: fn(&str) -> bool,
}

/// What a provider without data sources, checks, review or batching declares for them.
const NONE: ProviderSpec = ProviderSpec {
    name: "",
    source: "",
    takes_meta: false,
    config_schema: Schema::new,
    configure: |_| Err(ProviderError::new("UnknownProvider", "no provider")),
    resource_types: Vec::new,
    resource_schema: |_| None,
    data_types: Vec::new,
    data_schema: |_| None,
    ephemeral_types: Vec::new,
    ephemeral_schema: |_| None,
    validate: |_| Vec::new(),
    not_yet_type: |_| None,
    review: |_, _, _, _| Vec::new(),
    batched: |_| false,
};

/// Every provider, in the order their names are listed to users.
pub(crate) static PROVIDERS: [ProviderSpec; 10] = [
    ProviderSpec {
        name: aws::NAME,
        source: aws::SOURCE,
        takes_meta: true,
        config_schema: crate::config::schema,
        configure: |config| AwsFactory.configure(aws::NAME, config),
        resource_types: || AwsFactory.resource_types(),
        resource_schema: |t| AwsFactory.resource_schema(t),
        data_types: || {
            let builtin = crate::builtin::data_type_names();
            let mut types = AwsFactory.data_types();
            types.retain(|t| !builtin.contains(t));
            types
        },
        data_schema: |t| AwsFactory.data_schema(t),
        ephemeral_types: || AwsFactory.ephemeral_types(),
        ephemeral_schema: |t| AwsFactory.ephemeral_schema(t),
        validate: |req| AwsFactory.validate(req),
        not_yet_type: |t| AwsFactory.not_yet_type(t),
        review: |t, address, before, after| AwsFactory.review(t, address, before, after),
        batched: |t| AwsFactory.batched(t),
    },
    ProviderSpec {
        name: infinstor::NAME,
        source: "infinstor/infinstor",
        config_schema: infinstor::config_schema,
        configure: infinstor::configure,
        resource_types: infinstor::resource_types,
        resource_schema: infinstor::resource_schema,
        review: |t, address, _, after| infinstor::review(t, address, after),
        ..NONE
    },
    ProviderSpec {
        name: local::NAME,
        source: "hashicorp/local",
        config_schema: local::config_schema,
        configure: local::configure,
        resource_types: local::resource_types,
        resource_schema: local::resource_schema,
        validate: local::validate,
        ..NONE
    },
    ProviderSpec {
        name: archive::NAME,
        source: "hashicorp/archive",
        config_schema: archive::config_schema,
        configure: archive::configure,
        resource_types: archive::resource_types,
        resource_schema: archive::resource_schema,
        data_types: archive::data_types,
        data_schema: archive::data_schema,
        validate: archive::validate,
        ..NONE
    },
    ProviderSpec {
        name: external::NAME,
        source: "hashicorp/external",
        config_schema: external::config_schema,
        configure: external::configure,
        data_types: external::data_types,
        data_schema: external::data_schema,
        ..NONE
    },
    ProviderSpec {
        name: null::NAME,
        source: "hashicorp/null",
        config_schema: null::config_schema,
        configure: null::configure,
        resource_types: null::resource_types,
        resource_schema: null::resource_schema,
        data_types: null::data_types,
        data_schema: null::data_schema,
        ..NONE
    },
    ProviderSpec {
        name: random::NAME,
        source: "hashicorp/random",
        config_schema: random::config_schema,
        configure: random::configure,
        resource_types: random::resource_types,
        resource_schema: random::resource_schema,
        ephemeral_types: random::ephemeral_types,
        ephemeral_schema: random::ephemeral_schema,
        validate: random::validate,
        ..NONE
    },
    ProviderSpec {
        name: time::NAME,
        source: "hashicorp/time",
        config_schema: time::config_schema,
        configure: time::configure,
        resource_types: time::resource_types,
        resource_schema: time::resource_schema,
        validate: time::validate,
        ..NONE
    },
    ProviderSpec {
        name: tls::NAME,
        source: "hashicorp/tls",
        config_schema: tls::config_schema,
        configure: tls::configure,
        resource_types: tls::resource_types,
        resource_schema: tls::resource_schema,
        validate: tls::validate,
        not_yet_type: tls::not_yet_type,
        ..NONE
    },
    ProviderSpec {
        name: terraform_data::NAME,
        source: "terraform.io/builtin/terraform",
        config_schema: terraform_data::config_schema,
        configure: |config| terraform_data::configure(config, |name, config| AwsFactory.configure(name, config)),
        resource_types: terraform_data::resource_types,
        resource_schema: terraform_data::resource_schema,
        // `terraform_remote_state` reads S3 state with the AWS provider's clients, which serve it.
        data_types: crate::builtin::data_type_names,
        data_schema: |t| AwsFactory.data_schema(t),
        ..NONE
    },
];

/// Which provider declares each resource type and each data source type.
struct Owners {
    resources: HashMap<String, usize>,
    data: HashMap<String, usize>,
    ephemeral: HashMap<String, usize>,
}

fn owners() -> &'static Owners {
    static OWNERS: OnceLock<Owners> = OnceLock::new();
    OWNERS.get_or_init(|| {
        let mut owners = Owners {
            resources: HashMap::new(),
            data: HashMap::new(),
            ephemeral: HashMap::new(),
        };
        for (i, spec) in PROVIDERS.iter().enumerate() {
            for t in (spec.resource_types)() {
                owners.resources.entry(t).or_insert(i);
            }
            for t in (spec.data_types)() {
                owners.data.entry(t).or_insert(i);
            }
            for t in (spec.ephemeral_types)() {
                owners.ephemeral.entry(t).or_insert(i);
            }
        }
        owners
    })
}

/// The provider that declares a resource type (`data`: a data source type).
pub(crate) fn owner_of(type_name: &str, data: bool) -> Option<&'static ProviderSpec> {
    let map = if data { &owners().data } else { &owners().resources };
    map.get(type_name).map(|&i| &PROVIDERS[i])
}

/// The provider that declares an ephemeral resource type.
pub(crate) fn owner_of_ephemeral(type_name: &str) -> Option<&'static ProviderSpec> {
    owners().ephemeral.get(type_name).map(|&i| &PROVIDERS[i])
}

/// A provider by its local name.
pub(crate) fn named(name: &str) -> Option<&'static ProviderSpec> {
    PROVIDERS.iter().find(|p| p.name == name)
}

/// How the engine sees `specs`: name and source, for `required_providers`.
pub(crate) fn info<'a>(specs: impl IntoIterator<Item = &'a ProviderSpec>) -> Vec<ProviderInfo> {
    specs
        .into_iter()
        .map(|p| ProviderInfo {
            name: p.name.to_string(),
            source: p.source.to_string(),
            takes_meta: p.takes_meta,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_type_is_declared_once_and_named_after_its_provider() {
        let mut seen = std::collections::BTreeMap::new();
        for spec in &PROVIDERS {
            for (kind, types) in [("resource", (spec.resource_types)()), ("data", (spec.data_types)())] {
                // `external` is a data source alone, as in Terraform.
                assert!(
                    !types.is_empty() || kind == "data" || spec.name == "external",
                    "{} declares no resource type",
                    spec.name
                );
                for t in types {
                    // Terraform's implied provider of a block is its type's first word; state
                    // records it, so the registry must agree with it.
                    assert_eq!(t.split('_').next(), Some(spec.name), "{kind} {t} of {}", spec.name);
                    // (`external`'s one type is the provider's name itself.)
                    if let Some(other) = seen.insert((kind, t.clone()), spec.name) {
                        panic!("{kind} {t} is declared by {other} and {}", spec.name);
                    }
                }
            }
        }
        assert!(seen.len() > 50, "{} types", seen.len());
    }

    #[test]
    fn lookups_find_each_provider_and_batching_is_declared_by_the_type() {
        assert_eq!(owner_of("aws_s3_bucket", false).map(|p| p.name), Some("aws"));
        assert_eq!(owner_of("tls_private_key", false).map(|p| p.name), Some("tls"));
        assert_eq!(owner_of("terraform_data", false).map(|p| p.name), Some("terraform"));
        assert_eq!(owner_of("aws_iam_role", true).map(|p| p.name), Some("aws"));
        assert!(owner_of("aws_no_such_thing", false).is_none());
        assert!(owner_of("tls_private_key", true).is_none());
        assert_eq!(named("random").map(|p| p.source), Some("hashicorp/random"));
        let batched: Vec<String> = PROVIDERS
            .iter()
            .flat_map(|p| (p.resource_types)().into_iter().filter(|t| (p.batched)(t)))
            .collect();
        assert_eq!(batched, ["aws_route53_record"]);
    }
}
