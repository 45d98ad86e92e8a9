//! The `infinstor` provider: InfinStor's multi-tenant service REST API (seed 001), for the
//! subscribers and users an install sets up after its stacks.
//!
//! The service documents create and update calls only: no read, no delete. So a read trusts
//! the state (changes made in the service are not seen), deleting only forgets, and the plan
//! says both. Tokens are sensitive and follow the secrets rules of every other value.

mod subscriber;
mod user;

use engine::core::finding::{Finding, Severity};
use engine::core::provider::{
    ApplyRequest, ApplyResponse, ImportRequest, PlanRequest, PlanResponse, Provider, ProviderError, ReadDataRequest,
    ReadRequest,
};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::value::Value;

/// The provider name, as in `provider "infinstor" { ... }`.
pub const NAME: &str = "infinstor";

/// The `provider "infinstor"` block.
pub fn config_schema() -> Schema {
    Schema::new()
        .attr("mlflow_endpoint", Attribute::optional(Type::String))
        .attr("api_endpoint", Attribute::optional(Type::String))
        .attr("token", Attribute::optional(Type::String).sensitive())
}

/// Resource type schemas.
pub fn resource_schema(type_name: &str) -> Option<Schema> {
    match type_name {
        subscriber::TYPE => Some(subscriber::schema()),
        user::TYPE => Some(user::schema()),
        _ => None,
    }
}

/// Every resource type.
pub fn resource_types() -> Vec<String> {
    vec![subscriber::TYPE.to_string(), user::TYPE.to_string()]
}

/// What a reviewer must know: the service has no delete.
pub fn review(type_name: &str, address: &str, after: Option<&Value>) -> Vec<Finding> {
    if after.is_some() || resource_schema(type_name).is_none() {
        return Vec::new();
    }
    vec![Finding {
        severity: Severity::Revoke,
        address: address.to_string(),
        attribute: None,
        message: "the InfinStor service has no delete API: destroying this only forgets it in state; it stays in the service until removed there".into(),
    }]
}

/// The configured provider: endpoints and the administrator's token.
struct Infinstor {
    mlflow_endpoint: Option<String>,
    api_endpoint: Option<String>,
    token: Option<String>,
}

/// Builds the provider from its block; `INFINSTOR_MLFLOW_ENDPOINT`, `INFINSTOR_API_ENDPOINT`
/// and `INFINSTOR_TOKEN` fill what the block leaves out.
pub fn configure(config: &Value) -> Result<std::sync::Arc<dyn Provider>, ProviderError> {
    let plain = config.deep_unmark();
    let setting = |name: &str, env: &str| {
        plain
            .get(name)
            .as_str()
            .map(str::to_string)
            .or_else(|| std::env::var(env).ok().filter(|v| !v.is_empty()))
    };
    Ok(std::sync::Arc::new(Infinstor {
        mlflow_endpoint: setting("mlflow_endpoint", "INFINSTOR_MLFLOW_ENDPOINT")
            .map(|e| e.trim_end_matches('/').to_string()),
        api_endpoint: setting("api_endpoint", "INFINSTOR_API_ENDPOINT").map(|e| e.trim_end_matches('/').to_string()),
        token: setting("token", "INFINSTOR_TOKEN"),
    }))
}

fn missing(what: &str, env: &str) -> ProviderError {
    ProviderError::new(
        "MissingConfiguration",
        format!("provider \"infinstor\" needs {what}: set it in the provider block or {env}"),
    )
}

/// A service answer that is not a success, as an error that never echoes the request.
fn failed(call: &str, response: &engine::http::Response) -> ProviderError {
    let text = String::from_utf8_lossy(&response.body);
    ProviderError::new(
        format!("Http{}", response.status),
        format!(
            "{call} answered {}: {}",
            response.status,
            text.trim().chars().take(300).collect::<String>()
        ),
    )
}

impl Infinstor {
    fn mlflow(&self) -> Result<&str, ProviderError> {
        self.mlflow_endpoint.as_deref().ok_or_else(|| {
            missing(
                "mlflow_endpoint (https://mlflow.<your service>)",
                "INFINSTOR_MLFLOW_ENDPOINT",
            )
        })
    }

    fn api(&self) -> Result<&str, ProviderError> {
        self.api_endpoint.as_deref().ok_or_else(|| {
            missing(
                "api_endpoint (https://infinstorapi.<your service>)",
                "INFINSTOR_API_ENDPOINT",
            )
        })
    }

    fn token(&self) -> Result<&str, ProviderError> {
        self.token
            .as_deref()
            .ok_or_else(|| missing("token (the superadmin's ID token)", "INFINSTOR_TOKEN"))
    }
}

/// A note under every planned create or update of the service's objects.
fn no_read_note() -> Vec<String> {
    vec!["The InfinStor service has no read API: infinstor trusts the state for this object, so changes made in the service itself are not seen.".into()]
}

impl Provider for Infinstor {
    fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, ProviderError> {
        let mut planned = req.proposed.clone();
        if let Value::Map(m) = &mut planned {
            if let Some(name) = req.config.get("user_name").as_str() {
                m.insert("id".into(), Value::string(name));
            }
        }
        Ok(PlanResponse {
            details: no_read_note(),
            ..PlanResponse::planned(planned)
        })
    }

    fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let result = match (req.type_name, req.prior, req.planned) {
            // Deleting only forgets (the service has no delete).
            (_, Some(_), None) => Ok(None),
            (subscriber::TYPE, None, Some(planned)) => subscriber::create(self, planned).map(Some),
            (subscriber::TYPE, Some(prior), Some(planned)) => subscriber::update(self, prior, planned).map(Some),
            (user::TYPE, None, Some(planned)) => user::create(self, planned).map(Some),
            (other, _, Some(_)) => Err(ProviderError::new(
                "UnsupportedType",
                format!("the infinstor provider has no resource type {other:?}"),
            )),
            (_, None, None) => Ok(None),
        };
        ApplyResponse::finished(req.prior, result)
    }

    fn read(&self, req: ReadRequest<'_>) -> Result<Option<Value>, ProviderError> {
        // No read API: the state is all there is.
        Ok(Some(req.prior.clone()))
    }

    fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError> {
        Err(ProviderError::new(
            "UnsupportedType",
            format!("the infinstor provider has no data source {:?}", req.type_name),
        ))
    }

    fn import(&self, req: ImportRequest<'_>) -> Result<Option<Value>, ProviderError> {
        Err(ProviderError::new(
            "ImportNotSupported",
            format!(
                "{} cannot be imported: the InfinStor service has no API to read it. Declare it and apply; the service answers if it exists already",
                req.type_name
            ),
        ))
    }
}
