//! The boundary between the engine and the services it manages.
//!
//! The engine knows no AWS SDK: it talks to a [`Provider`] through one small request/response
//! struct per call. A [`ProviderFactory`] knows the schemas before any provider is configured
//! (so `validate` and `plan` against empty state need no credentials and no network) and builds
//! a configured provider from a `provider "aws"` block.

use crate::core::finding::Finding;
use crate::core::schema::Schema;
use crate::core::value::Value;
use std::sync::Arc;

/// An error reported by a provider. The engine adds the resource address when showing it.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct ProviderError {
    /// The service's error code (`BucketAlreadyExists`, `NoSuchEntity`, ...) or a local category.
    pub code: String,
    /// The full message, including what the user can do about it.
    pub message: String,
    /// A call behind this error reached the service and its answer was lost (a server error
    /// or a timeout), so it may have been carried out: a create may have made its object.
    pub outcome_unknown: bool,
}

impl ProviderError {
    /// A new error with a code and message.
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> ProviderError {
        ProviderError {
            code: code.into(),
            message: message.into(),
            outcome_unknown: false,
        }
    }

    /// The same error, saying a call behind it may have been carried out.
    pub fn with_outcome_unknown(mut self, unknown: bool) -> ProviderError {
        self.outcome_unknown = unknown;
        self
    }
}

/// Asks the provider to check a configuration beyond what the schema says.
#[derive(Debug, Clone)]
pub struct ValidateRequest<'a> {
    /// Resource or data source type name.
    pub type_name: &'a str,
    /// A data source (a type name can be both: `aws_ssm_parameter`).
    pub data: bool,
    /// The configuration, possibly with unknown values.
    pub config: &'a Value,
}

/// A problem a provider found in a configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct ValidateProblem {
    /// The attribute the problem is about (`None`: the whole block).
    pub attribute: Option<String>,
    /// What is wrong and what to do.
    pub message: String,
    /// The configuration asks for something the provider documents and infinstor does not do
    /// yet (the error says "Not supported yet", not that the value is wrong).
    pub not_yet: bool,
}

/// Asks the provider what applying `proposed` over `prior` would produce.
#[derive(Debug, Clone)]
pub struct PlanRequest<'a> {
    /// Resource type name.
    pub type_name: &'a str,
    /// The refreshed prior state (`None` for a create).
    pub prior: Option<&'a Value>,
    /// The configuration, where every computed attribute that the configuration leaves null is
    /// taken from `prior` (update) or is `Unknown` (create). Nested blocks are as configured.
    /// The provider returns it as `planned`, changing only what it can predict better
    /// (defaults, derived values such as `arn` of a named object, `tags_all`).
    pub proposed: &'a Value,
    /// The configuration exactly as written (null where an argument is absent).
    pub config: &'a Value,
}

/// The provider's answer to a [`PlanRequest`].
#[derive(Debug, Clone, PartialEq)]
pub struct PlanResponse {
    /// The planned new state; computed attributes the provider cannot predict are `Unknown`.
    pub planned: Value,
    /// Attribute paths whose change forces replacement (beyond the schema's `force_new`).
    pub requires_replace: Vec<String>,
    /// Provider data kept with the planned change and handed back at apply (a CloudFormation
    /// change set ARN, say), so apply executes exactly what was planned.
    pub private: Option<String>,
    /// Extra lines a reviewer should see under the resource's diff (CloudFormation's own
    /// resource-level changes of a change set, say).
    pub details: Vec<String>,
}

impl PlanResponse {
    /// A response with only a planned value.
    pub fn planned(planned: Value) -> PlanResponse {
        PlanResponse {
            planned,
            requires_replace: Vec::new(),
            private: None,
            details: Vec::new(),
        }
    }
}

/// Where a provider records, before it creates an object, how to find it again.
///
/// The engine writes each intent to the state file before the provider's create call returns,
/// so an apply interrupted between the call and the state write adopts the object next time
/// (via [`Provider::import`] with the recorded ID) instead of orphaning or duplicating it.
pub trait Journal: Send + Sync {
    /// Records that an object with this import ID is about to be created.
    fn intent(&self, import_id: &str);
    /// Makes the intents recorded so far durable. A batch records the intents of all its
    /// creates, then calls this once before sending them: one state write, not one per create.
    /// A journal that writes each intent at once has nothing to do.
    fn sync(&self) {}
}

/// Asks the provider to make the real object match `planned`.
pub struct ApplyRequest<'a> {
    /// Resource type name.
    pub type_name: &'a str,
    /// The prior state (`None` for a create).
    pub prior: Option<&'a Value>,
    /// The planned state (`None` for a delete), with values known by now filled in, and the
    /// write-only arguments the configuration sets (which no plan or state holds).
    pub planned: Option<&'a Value>,
    /// Records the create intent.
    pub journal: &'a dyn Journal,
    /// Reports progress of long operations to the user.
    pub progress: &'a (dyn Fn(&str) + Sync),
    /// The `private` data of the plan response this change was planned with.
    pub private: Option<&'a str>,
}

/// The provider's answer to an [`ApplyRequest`].
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyResponse {
    /// The object's state after the call (`None` when it does not exist), even on error:
    /// a half-finished create must still be recorded so it is not orphaned.
    pub new_state: Option<Value>,
    /// The error, if the call did not finish.
    pub error: Option<ProviderError>,
}

impl ApplyResponse {
    /// The answer of a call that either finished with the object's new state (`None`: it no
    /// longer exists) or failed without changing it (`prior` stays recorded).
    pub fn finished(prior: Option<&Value>, result: Result<Option<Value>, ProviderError>) -> ApplyResponse {
        match result {
            Ok(new_state) => ApplyResponse { new_state, error: None },
            Err(error) => ApplyResponse {
                new_state: prior.cloned(),
                error: Some(error),
            },
        }
    }
}

/// Asks the provider to read the current state of an object.
#[derive(Debug, Clone)]
pub struct ReadRequest<'a> {
    /// Resource type name.
    pub type_name: &'a str,
    /// The state last recorded.
    pub prior: &'a Value,
}

/// Asks the provider to read a data source.
#[derive(Debug, Clone)]
pub struct ReadDataRequest<'a> {
    /// Data source type name.
    pub type_name: &'a str,
    /// The configuration, fully known.
    pub config: &'a Value,
}

/// Asks the provider to find an existing object by its import ID.
#[derive(Debug, Clone)]
pub struct ImportRequest<'a> {
    /// Resource type name.
    pub type_name: &'a str,
    /// The import ID, as documented for the Terraform AWS provider.
    pub id: &'a str,
}

/// A configured provider.
pub trait Provider: Send + Sync {
    /// Plans a create or update.
    fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, ProviderError>;
    /// Creates, updates or deletes an object.
    fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse;
    /// Reads an object's current state; `Ok(None)` when it no longer exists.
    fn read(&self, req: ReadRequest<'_>) -> Result<Option<Value>, ProviderError>;
    /// Reads a data source.
    fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError>;
    /// Opens an ephemeral resource: its value for this one plan or apply, kept nowhere.
    fn open_ephemeral(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError> {
        Err(ProviderError::new(
            "UnsupportedEphemeralResource",
            format!("this provider has no ephemeral resource type {}", req.type_name),
        ))
    }
    /// Finds an existing object; `Ok(None)` when there is none with that ID.
    fn import(&self, req: ImportRequest<'_>) -> Result<Option<Value>, ProviderError>;

    /// The engine has durably recorded an object this provider just created: what the
    /// provider put on the object only to find it again after an interrupted create (an
    /// intent tag) can go now, so that the object is as its configuration says to anyone
    /// else who reads it (Terraform). Best effort: what is left behind is ignored by later runs.
    fn recorded(&self, type_name: &str, state: &Value) {
        let _ = (type_name, state);
    }

    /// The key under which changes of this object can be made together with others in one
    /// call (Route53 records of one hosted zone: `route53:ZONEID`). `None`: one at a time.
    /// `value` is the planned state (or the prior state for a delete).
    fn batch_key(&self, type_name: &str, value: &Value) -> Option<String> {
        let _ = (type_name, value);
        None
    }

    /// Applies several changes that share a batch key, in as few calls as the service allows.
    /// Returns one response per request, in order; one request's failure must not hide the
    /// others' outcome.
    fn apply_batch(&self, reqs: Vec<ApplyRequest<'_>>) -> Vec<ApplyResponse> {
        reqs.into_iter().map(|r| self.apply(r)).collect()
    }

    /// Reads several objects of one type at once (one paged listing per hosted zone instead of a
    /// call per record). Returns one result per prior, in order.
    fn read_batch(&self, type_name: &str, priors: &[&Value]) -> Vec<Result<Option<Value>, ProviderError>> {
        priors
            .iter()
            .map(|p| self.read(ReadRequest { type_name, prior: p }))
            .collect()
    }
}

/// A provider a factory has, as a `required_providers` entry declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderInfo {
    /// The local name (`aws`).
    pub name: String,
    /// The source address it stands in for, without `registry.terraform.io/` (`hashicorp/aws`).
    pub source: String,
    /// Whether it reads a module's `provider_meta "NAME"` block (`user_agent` products).
    pub takes_meta: bool,
}

/// Knows the schemas and builds configured providers, for every provider it has (`aws`,
/// `infinstor`, ...: a resource type's provider is its name's first word).
pub trait ProviderFactory: Send + Sync {
    /// The providers it has, which a configuration's `required_providers` may name.
    fn providers(&self) -> Vec<ProviderInfo> {
        Vec::new()
    }

    /// The schema of a managed resource type.
    fn resource_schema(&self, type_name: &str) -> Option<Schema>;
    /// The schema of a data source type.
    fn data_schema(&self, type_name: &str) -> Option<Schema>;
    /// Every managed resource type name, for "did you mean" suggestions.
    fn resource_types(&self) -> Vec<String>;
    /// The schema of an ephemeral resource type (`ephemeral "TYPE" "NAME"`).
    fn ephemeral_schema(&self, type_name: &str) -> Option<Schema> {
        let _ = type_name;
        None
    }
    /// Every ephemeral resource type name.
    fn ephemeral_types(&self) -> Vec<String> {
        Vec::new()
    }
    /// The schema of a resource, data source or ephemeral resource type.
    fn schema(&self, mode: crate::core::addr::Mode, type_name: &str) -> Option<Schema> {
        match mode {
            crate::core::addr::Mode::Managed => self.resource_schema(type_name),
            crate::core::addr::Mode::Data => self.data_schema(type_name),
            crate::core::addr::Mode::Ephemeral => self.ephemeral_schema(type_name),
        }
    }
    /// Whether changes of this type can be batched ([`Provider::batch_key`]); the engine then
    /// visits ready resources of the type together.
    fn batched(&self, type_name: &str) -> bool {
        let _ = type_name;
        false
    }
    /// True when an error code says a create was refused because its object exists already
    /// (a name that another object holds). Such a create made nothing: its intent is dropped, so
    /// the next plan does not adopt the other object as if an interrupted apply had made it.
    fn already_exists(&self, code: &str) -> bool {
        let _ = code;
        false
    }
    /// For a type the provider's Terraform counterpart has but this one does not implement yet,
    /// what to do instead: the engine then says exactly that where the type is used.
    fn not_yet_type(&self, type_name: &str) -> Option<&'static str> {
        let _ = type_name;
        None
    }
    /// Every data source type name.
    fn data_types(&self) -> Vec<String>;
    /// Checks a configuration beyond its schema (which the engine has checked: names, types,
    /// required arguments, allowed values): rules between arguments, formats. Values known
    /// only after apply are unknown: a check that needs one passes it by. Needs no configured
    /// provider and makes no network call, so `validate` runs it too.
    fn validate(&self, req: ValidateRequest<'_>) -> Vec<ValidateProblem> {
        let _ = req;
        Vec::new()
    }
    /// The schema of the `provider "NAME"` block; `None` when there is no such provider.
    fn config_schema(&self, provider: &str) -> Option<Schema>;
    /// Builds provider `NAME` from an evaluated `provider` block (`Null` when there is none).
    /// Must not make network calls: clients connect lazily.
    fn configure(&self, provider: &str, config: &Value) -> Result<Arc<dyn Provider>, ProviderError>;
    /// What a reviewer should know about one planned change of a managed resource type: who
    /// gains or loses access to what through its policy documents, public access, and so on.
    /// `before` is `None` for a create and `after` for a delete. Called when the plan is made,
    /// without network calls; what the findings mean is the provider's knowledge, not the
    /// engine's.
    fn review(&self, type_name: &str, address: &str, before: Option<&Value>, after: Option<&Value>) -> Vec<Finding> {
        let _ = (type_name, address, before, after);
        Vec::new()
    }
}

/// A factory that knows no types, for unit tests of code that only looks schemas up.
#[cfg(test)]
pub(crate) struct NoSchemas;

#[cfg(test)]
impl ProviderFactory for NoSchemas {
    fn resource_schema(&self, _: &str) -> Option<Schema> {
        None
    }
    fn data_schema(&self, _: &str) -> Option<Schema> {
        None
    }
    fn resource_types(&self) -> Vec<String> {
        Vec::new()
    }
    fn data_types(&self) -> Vec<String> {
        Vec::new()
    }
    fn config_schema(&self, _: &str) -> Option<Schema> {
        None
    }
    fn configure(&self, _: &str, _: &Value) -> Result<Arc<dyn Provider>, ProviderError> {
        Err(ProviderError::new("NoProvider", "no provider in this test"))
    }
}

/// The key under which a provider's configuration carries the User-Agent products of the
/// configuration's `provider_meta` blocks (set by the engine, never by a provider block).
pub const PROVIDER_META_USER_AGENT: &str = "__provider_meta_user_agent";
