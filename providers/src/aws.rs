//! The AWS provider: [`AwsFactory`] knows every schema without credentials and builds a
//! configured [`AwsProvider`], which dispatches each call to the [`ResourceType`] or
//! [`DataType`] of its type, with the clients of the object's region.

use crate::resource::{ApplyOutcome, Ctx, DataType, ResourceType, Step};
use crate::service::{all_data_sources, all_resources};
use crate::{config, region, s3, service, support};
use engine::core::finding::Finding;
use engine::core::provider::{
    ApplyRequest, ApplyResponse, ImportRequest, PlanRequest, PlanResponse, Provider, ProviderError, ProviderFactory,
    ReadDataRequest, ReadRequest, ValidateProblem, ValidateRequest,
};
use engine::core::schema::Schema;
use engine::core::value::Value;
use std::collections::BTreeMap;
use std::sync::Arc;

fn resource_map() -> BTreeMap<&'static str, Box<dyn ResourceType>> {
    all_resources().into_iter().map(|r| (r.type_name(), r)).collect()
}

/// Every resource type by name, built once (for checks and properties that need no client).
fn resources() -> &'static BTreeMap<&'static str, Box<dyn ResourceType>> {
    static RESOURCES: std::sync::OnceLock<BTreeMap<&'static str, Box<dyn ResourceType>>> = std::sync::OnceLock::new();
    RESOURCES.get_or_init(resource_map)
}

fn data_map() -> BTreeMap<&'static str, Box<dyn DataType>> {
    all_data_sources().into_iter().map(|d| (d.type_name(), d)).collect()
}

/// Schemas are asked for on every instance of a plan; build them once.
fn schemas() -> &'static (BTreeMap<String, Schema>, BTreeMap<String, Schema>) {
    static SCHEMAS: std::sync::OnceLock<(BTreeMap<String, Schema>, BTreeMap<String, Schema>)> =
        std::sync::OnceLock::new();
    SCHEMAS.get_or_init(|| {
        (
            all_resources()
                .into_iter()
                .map(|r| {
                    (
                        r.type_name().to_string(),
                        crate::not_yet::documented(
                            "resource",
                            r.type_name(),
                            regional_schema(r.type_name(), r.schema(), true),
                        ),
                    )
                })
                .collect(),
            all_data_sources()
                .into_iter()
                .map(|d| {
                    (
                        d.type_name().to_string(),
                        crate::not_yet::documented(
                            "data",
                            d.type_name(),
                            regional_schema(d.type_name(), d.schema(), false),
                        ),
                    )
                })
                .collect(),
        )
    })
}

/// The region `value` names, for a type that takes `region`.
fn region_named(type_name: &str, value: Option<&Value>) -> Option<String> {
    service::regional(type_name).then(|| region::named(value)).flatten()
}

/// A type's schema, with the per-resource `region` argument where its service is regional.
fn regional_schema(type_name: &str, schema: Schema, managed: bool) -> Schema {
    if service::regional(type_name) {
        region::with_region(schema, managed)
    } else {
        schema
    }
}

/// The provider's local name.
pub(crate) const NAME: &str = "aws";
/// The registry source it stands in for.
pub(crate) const SOURCE: &str = "hashicorp/aws";

/// Builds AWS providers; the engine's [`ProviderFactory`] for `provider "aws"`.
#[derive(Debug, Default, Clone, Copy)]
pub struct AwsFactory;

impl AwsFactory {
    /// A new factory.
    pub fn new() -> AwsFactory {
        AwsFactory
    }
}

impl ProviderFactory for AwsFactory {
    fn providers(&self) -> Vec<engine::core::provider::ProviderInfo> {
        vec![engine::core::provider::ProviderInfo {
            name: NAME.to_string(),
            source: SOURCE.to_string(),
            takes_meta: true,
        }]
    }

    fn resource_schema(&self, type_name: &str) -> Option<Schema> {
        schemas().0.get(type_name).cloned()
    }

    fn data_schema(&self, type_name: &str) -> Option<Schema> {
        schemas().1.get(type_name).cloned()
    }

    fn ephemeral_schema(&self, type_name: &str) -> Option<Schema> {
        let e = crate::service::all_ephemeral()
            .into_iter()
            .find(|e| e.type_name() == type_name)?;
        Some(regional_schema(type_name, e.schema(), false))
    }

    fn ephemeral_types(&self) -> Vec<String> {
        crate::service::all_ephemeral()
            .iter()
            .map(|e| e.type_name().to_string())
            .collect()
    }

    fn resource_types(&self) -> Vec<String> {
        // The names alone: building every schema costs a configuration that uses none of them.
        resources().keys().map(|t| t.to_string()).collect()
    }

    fn batched(&self, type_name: &str) -> bool {
        resources().get(type_name).is_some_and(|r| r.batched())
    }

    fn already_exists(&self, code: &str) -> bool {
        support::error::is_already_exists(code)
    }

    fn not_yet_type(&self, type_name: &str) -> Option<&'static str> {
        s3::not_yet_type(type_name)
    }

    fn data_types(&self) -> Vec<String> {
        let mut names: Vec<String> = all_data_sources().iter().map(|d| d.type_name().to_string()).collect();
        names.sort();
        names
    }

    fn validate(&self, req: ValidateRequest<'_>) -> Vec<ValidateProblem> {
        if req.data {
            return Vec::new();
        }
        match resources().get(req.type_name) {
            Some(resource) => resource.validate(req.config),
            None => vec![ValidateProblem {
                not_yet: false,
                attribute: None,
                message: unsupported("resource", req.type_name).message,
            }],
        }
    }

    fn config_schema(&self, provider: &str) -> Option<Schema> {
        // `terraform`: the built-in provider's data sources, served by a default AWS provider.
        match provider {
            "aws" => Some(config::schema()),
            "terraform" => Some(Schema::new()),
            _ => None,
        }
    }

    fn configure(&self, provider: &str, config: &Value) -> Result<Arc<dyn Provider>, ProviderError> {
        if self.config_schema(provider).is_none() {
            return Err(ProviderError::new(
                "UnknownProvider",
                format!("there is no provider \"{provider}\""),
            ));
        }
        let parsed = config::ProviderConfig::parse(config)?;
        let ctx = parsed.build()?;
        Ok(Arc::new(AwsProvider {
            ctx: region::Regions::new(ctx, parsed.clone()),
            endpoints: parsed.endpoints.clone(),
            resources: resource_map(),
            data: data_map(),
            ephemeral: crate::service::all_ephemeral()
                .into_iter()
                .map(|e| (e.type_name(), e))
                .collect(),
        }))
    }

    fn review(&self, type_name: &str, address: &str, before: Option<&Value>, after: Option<&Value>) -> Vec<Finding> {
        match schemas().0.get(type_name) {
            Some(schema) => support::access::review_change(type_name, schema, address, before, after),
            None => Vec::new(),
        }
    }
}

/// A configured AWS provider: dispatches each call to the implementation of its type.
struct AwsProvider {
    /// The clients of the provider's region, and of the regions resources name.
    ctx: region::Regions,
    /// The `endpoints` block, to name the endpoint in connection errors.
    endpoints: BTreeMap<String, String>,
    resources: BTreeMap<&'static str, Box<dyn ResourceType>>,
    data: BTreeMap<&'static str, Box<dyn DataType>>,
    ephemeral: BTreeMap<&'static str, Box<dyn DataType>>,
}

fn unsupported(kind: &str, type_name: &str) -> ProviderError {
    ProviderError::new(
        "UnsupportedType",
        format!("the aws provider does not support the {kind} type {type_name:?}"),
    )
}

impl AwsProvider {
    /// The clients for an object of `type_name` described by `value`: those of its `region`,
    /// if the type is regional and names one, else the provider's.
    fn ctx_for(&self, type_name: &str, value: Option<&Value>) -> Result<Arc<Ctx>, ProviderError> {
        self.ctx.ctx(region_named(type_name, value).as_deref())
    }

    /// `stamp`s the region of a regional type's state.
    fn stamped(&self, type_name: &str, state: Option<Value>, region: &str) -> Option<Value> {
        if service::regional(type_name) {
            region::stamp(state, region)
        } else {
            state
        }
    }
    /// The endpoint URL requests of `service` go to, as the SDK chooses it.
    fn endpoint_url(&self, service: &str) -> String {
        if let Some(url) = self.endpoints.get(service) {
            return url.clone();
        }
        // The SDK's environment name is its service ID, which differs from the endpoint key for some.
        let env_id = match service {
            "applicationautoscaling" => "APPLICATION_AUTO_SCALING".to_string(),
            "events" => "EVENTBRIDGE".to_string(),
            "cognitoidp" => "COGNITO_IDENTITY_PROVIDER".to_string(),
            other => other.to_ascii_uppercase(),
        };
        let env_name = format!("AWS_ENDPOINT_URL_{env_id}");
        for name in [env_name.as_str(), "AWS_ENDPOINT_URL"] {
            if let Ok(url) = std::env::var(name) {
                if !url.is_empty() {
                    return url;
                }
            }
        }
        let region = &self.ctx.home().region;
        let suffix = if region.starts_with("cn-") {
            "amazonaws.com.cn"
        } else {
            "amazonaws.com"
        };
        match service {
            "iam" if region.starts_with("cn-") => format!("https://iam.{region}.{suffix}"),
            "iam" if region.starts_with("us-gov-") => "https://iam.us-gov.amazonaws.com".to_string(),
            "iam" => "https://iam.amazonaws.com".to_string(),
            "applicationautoscaling" => format!("https://application-autoscaling.{region}.{suffix}"),
            "cognitoidp" => format!("https://cognito-idp.{region}.{suffix}"),
            "cloudfront" => format!("https://cloudfront.{suffix}"),
            other => format!("https://{other}.{region}.{suffix}"),
        }
    }

    /// Names the endpoint in connection errors, which the SDK errors do not do.
    fn explain(&self, type_name: &str, mut error: ProviderError) -> ProviderError {
        let network = error.code == support::error::ENDPOINT_UNREACHABLE || error.code == "Timeout";
        if let (true, Some(service)) = (network, service::name_of(type_name)) {
            if error.message.contains(support::error::ENDPOINT_PLACEHOLDER) {
                let named = format!("the {service} endpoint {}", self.endpoint_url(service));
                error.message = error.message.replacen(support::error::ENDPOINT_PLACEHOLDER, &named, 1);
            }
        }
        error
    }

    fn resource(&self, type_name: &str) -> Result<&dyn ResourceType, ProviderError> {
        self.resources
            .get(type_name)
            .map(|r| r.as_ref())
            .ok_or_else(|| unsupported("resource", type_name))
    }
}

impl Provider for AwsProvider {
    fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, ProviderError> {
        let resource = self.resource(req.type_name)?;
        let ctx = self.ctx_for(req.type_name, Some(req.proposed))?;
        let (planned, requires_replace) = resource
            .plan(&ctx, req.prior, req.proposed.clone())
            .map_err(|e| self.explain(req.type_name, e))?;
        // A new object goes to the provider's region unless the configuration names one.
        let planned = if req.proposed.get("region").is_unknown() && req.config.get("region").is_null() {
            self.stamped(req.type_name, Some(planned), &ctx.region)
                .unwrap_or(Value::Null)
        } else {
            planned
        };
        let (private, details) = resource
            .plan_details(&ctx, req.prior, &planned)
            .map_err(|e| self.explain(req.type_name, e))?;
        Ok(PlanResponse {
            planned,
            requires_replace,
            private,
            details,
        })
    }

    fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let resource = match self.resource(req.type_name) {
            Ok(resource) => resource,
            Err(error) => {
                return ApplyResponse {
                    new_state: req.prior.cloned(),
                    error: Some(error),
                }
            }
        };
        let ctx = match self.ctx_for(req.type_name, req.planned.or(req.prior)) {
            Ok(found) => found,
            Err(error) => {
                return ApplyResponse {
                    new_state: req.prior.cloned(),
                    error: Some(error),
                }
            }
        };
        let journal = req.journal;
        let intent = move |id: &str| journal.intent(id);
        let step = Step {
            private: req.private,
            intent: &intent,
            progress: req.progress,
        };
        let (new_state, error) = match (req.prior, req.planned) {
            (None, Some(planned)) => resource.create(&ctx, planned, &step).into_parts(),
            (Some(prior), Some(planned)) => resource.update(&ctx, prior, planned, &step).into_parts(),
            (Some(prior), None) => match resource.delete(&ctx, prior, &step) {
                Ok(()) => (None, None),
                Err(error) => (Some(prior.clone()), Some(error)),
            },
            (None, None) => (None, None),
        };
        ApplyResponse {
            new_state: self.stamped(req.type_name, new_state, &ctx.region),
            error: error.map(|e| self.explain(req.type_name, e)),
        }
    }

    fn read(&self, req: ReadRequest<'_>) -> Result<Option<Value>, ProviderError> {
        let ctx = self.ctx_for(req.type_name, Some(req.prior))?;
        self.resource(req.type_name)?
            .read(&ctx, req.prior)
            .map(|state| self.stamped(req.type_name, state, &ctx.region))
            .map_err(|e| self.explain(req.type_name, e))
    }

    fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError> {
        let data = self
            .data
            .get(req.type_name)
            .ok_or_else(|| unsupported("data source", req.type_name))?;
        let ctx = self.ctx_for(req.type_name, Some(req.config))?;
        data.read(&ctx, req.config)
            .map(|state| {
                self.stamped(req.type_name, Some(state), &ctx.region)
                    .unwrap_or(Value::Null)
            })
            .map_err(|e| self.explain(req.type_name, e))
    }

    fn open_ephemeral(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError> {
        let e = self
            .ephemeral
            .get(req.type_name)
            .ok_or_else(|| unsupported("ephemeral resource", req.type_name))?;
        let ctx = self.ctx_for(req.type_name, Some(req.config))?;
        e.read(&ctx, req.config).map_err(|e| self.explain(req.type_name, e))
    }

    fn recorded(&self, type_name: &str, state: &Value) {
        if let (Ok(ctx), Ok(resource)) = (self.ctx_for(type_name, Some(state)), self.resource(type_name)) {
            resource.recorded(&ctx, state);
        }
    }

    fn import(&self, req: ImportRequest<'_>) -> Result<Option<Value>, ProviderError> {
        // `ID@region` imports an object of another region than the provider's (AWS provider v6).
        let (id, named) = match service::regional(req.type_name) {
            true => region::split_import_id(req.id),
            false => (req.id, None),
        };
        let ctx = self.ctx.ctx(named)?;
        self.resource(req.type_name)?
            .import(&ctx, id)
            .map(|state| self.stamped(req.type_name, state, &ctx.region))
            .map_err(|e| self.explain(req.type_name, e))
    }

    fn batch_key(&self, type_name: &str, value: &Value) -> Option<String> {
        self.resource(type_name).ok()?.batch_key(value)
    }

    fn apply_batch(&self, reqs: Vec<ApplyRequest<'_>>) -> Vec<ApplyResponse> {
        let Some(first) = reqs.first() else {
            return Vec::new();
        };
        let type_name = first.type_name;
        let resource = match self.resource(type_name) {
            Ok(r) => r,
            Err(e) => {
                return reqs
                    .iter()
                    .map(|r| ApplyResponse {
                        new_state: r.prior.cloned(),
                        error: Some(e.clone()),
                    })
                    .collect()
            }
        };
        let intents: Vec<Box<dyn Fn(&str) + '_>> = reqs
            .iter()
            .map(|r| {
                let journal = r.journal;
                Box::new(move |id: &str| journal.intent(id)) as Box<dyn Fn(&str)>
            })
            .collect();
        // Every request of a batch records into the same state.
        let journal = first.journal;
        let sync = move || journal.sync();
        let changes = reqs
            .iter()
            .zip(&intents)
            .map(|(r, intent)| crate::resource::BatchChange {
                prior: r.prior,
                planned: r.planned,
                intent: intent.as_ref(),
                sync: &sync,
                progress: r.progress,
            })
            .collect();
        // Batched types are global (Route 53 records): the provider's own clients.
        resource
            .apply_batch(self.ctx.home(), changes)
            .into_iter()
            .map(ApplyOutcome::into_parts)
            .map(|(new_state, error)| ApplyResponse {
                new_state,
                error: error.map(|e| self.explain(type_name, e)),
            })
            .collect()
    }

    fn read_batch(&self, type_name: &str, priors: &[&Value]) -> Vec<Result<Option<Value>, ProviderError>> {
        let resource = match self.resource(type_name) {
            Ok(r) => r,
            Err(e) => return priors.iter().map(|_| Err(e.clone())).collect(),
        };
        // One batch per region, answers put back in the order asked.
        let mut by_region: BTreeMap<Option<String>, Vec<usize>> = BTreeMap::new();
        for (i, prior) in priors.iter().enumerate() {
            by_region
                .entry(region_named(type_name, Some(prior)))
                .or_default()
                .push(i);
        }
        let mut out: Vec<Option<Result<Option<Value>, ProviderError>>> = priors.iter().map(|_| None).collect();
        for (named, indexes) in by_region {
            let group: Vec<&Value> = indexes.iter().map(|i| priors[*i]).collect();
            let answers = match self.ctx.ctx(named.as_deref()) {
                Ok(ctx) => resource
                    .read_batch(&ctx, &group)
                    .into_iter()
                    .map(|res| {
                        res.map(|state| self.stamped(type_name, state, &ctx.region))
                            .map_err(|e| self.explain(type_name, e))
                    })
                    .collect(),
                Err(e) => group.iter().map(|_| Err(e.clone())).collect::<Vec<_>>(),
            };
            for (i, answer) in indexes.into_iter().zip(answers) {
                out[i] = Some(answer);
            }
        }
        out.into_iter()
            .map(|answer| answer.unwrap_or_else(|| Err(ProviderError::new("InternalError", "a read was not answered"))))
            .collect()
    }
}
