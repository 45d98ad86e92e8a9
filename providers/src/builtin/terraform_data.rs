//! Terraform's built-in `terraform` provider as configured: `terraform_data`, its managed
//! resource, stores `input` as `output` and is replaced when `triggers_replace` changes, so it
//! can carry a value through the plan or trigger the replacement of another resource
//! (`replace_triggered_by = [terraform_data.x]`); it talks to no service. The data source
//! `terraform_remote_state` reads S3 state with the AWS provider's clients, configured the
//! first time one is read (a configuration with only `terraform_data` needs no AWS setup).

use engine::core::provider::{
    ApplyRequest, ApplyResponse, ImportRequest, PlanRequest, PlanResponse, Provider, ProviderError, ReadDataRequest,
    ReadRequest,
};
use engine::core::schema::{Attribute, Schema, Type};
use engine::core::shape::Element;
use engine::core::value::shape_of;
use engine::core::value::Value;
use engine::eval::functions::random_uuid;

/// The provider name (the first word of `terraform_data`).
pub const NAME: &str = "terraform";

const DATA: &str = "terraform_data";

/// The provider takes no configuration.
pub fn config_schema() -> Schema {
    Schema::new()
}

/// The schema of `terraform_data`.
pub fn resource_schema(type_name: &str) -> Option<Schema> {
    (type_name == DATA).then(|| {
        Schema::new()
            .attr("input", Attribute::optional(Type::Any))
            .attr("triggers_replace", Attribute::optional(Type::Any).force_new())
            .attr("output", Attribute::computed(Type::Any))
            .attr("id", Attribute::computed(Type::String))
    })
}

/// Every resource type of the provider.
pub fn resource_types() -> Vec<String> {
    vec![DATA.to_string()]
}

/// How the provider that serves the data sources is configured (for `terraform_remote_state`:
/// the AWS provider, which reaches S3 state); the registry hands it in, so this folder does
/// not reach up to the AWS provider itself.
pub type DataProvider = fn(&str, &Value) -> Result<std::sync::Arc<dyn Provider>, ProviderError>;

/// Builds the provider; `data` configures the one its data sources are read through.
pub fn configure(config: &Value, data: DataProvider) -> Result<std::sync::Arc<dyn Provider>, ProviderError> {
    Ok(std::sync::Arc::new(TerraformData {
        config: config.clone(),
        configure_data: data,
        data: std::sync::OnceLock::new(),
    }))
}

struct TerraformData {
    config: Value,
    configure_data: DataProvider,
    /// The AWS provider that serves `terraform_remote_state`, made on first use.
    data: std::sync::OnceLock<Result<std::sync::Arc<dyn Provider>, ProviderError>>,
}

/// `planned` with `output` following `input` (unknown while `input` is).
fn with_output(planned: &Value) -> Value {
    let mut m = planned.as_map().cloned().unwrap_or_default();
    let input = m.get("input").cloned().unwrap_or(Value::Null);
    m.insert("output".into(), input);
    Value::Map(m.into())
}

impl Provider for TerraformData {
    fn plan(&self, req: PlanRequest<'_>) -> Result<PlanResponse, ProviderError> {
        // As Terraform plans it: `output` is known only when `input` is as the prior object
        // recorded it; a new object's or a changed input's output is known after apply.
        let mut m = req.proposed.as_map().cloned().unwrap_or_default();
        let input = m.get("input").cloned().unwrap_or(Value::Null);
        let output = match req.prior {
            _ if input.is_null() => Value::Null,
            Some(prior) if prior.get("input") == input => prior.get("output"),
            // Of the input's type, as Terraform plans it.
            _ => Value::Unknown(Element::of(&shape_of(&input))),
        };
        m.insert("output".into(), output);
        Ok(PlanResponse::planned(Value::Map(m.into())))
    }

    fn apply(&self, req: ApplyRequest<'_>) -> ApplyResponse {
        let new_state = match (req.prior, req.planned) {
            (_, None) => None,
            (prior, Some(planned)) => {
                let mut m = with_output(planned).as_map().cloned().unwrap_or_default();
                let id = match prior.map(|p| p.get("id").clone()).filter(|id| id.as_str().is_some()) {
                    Some(id) => id,
                    None => match random_uuid() {
                        Ok(id) => Value::string(id),
                        Err(message) => {
                            let error = ProviderError::new("RandomnessUnavailable", message);
                            return ApplyResponse {
                                new_state: req.prior.cloned(),
                                error: Some(error),
                            };
                        }
                    },
                };
                m.insert("id".into(), id);
                Some(Value::Map(m.into()))
            }
        };
        ApplyResponse { new_state, error: None }
    }

    fn read(&self, req: ReadRequest<'_>) -> Result<Option<Value>, ProviderError> {
        Ok(Some(req.prior.clone()))
    }

    fn read_data(&self, req: ReadDataRequest<'_>) -> Result<Value, ProviderError> {
        let provider = self
            .data
            .get_or_init(|| (self.configure_data)(NAME, &self.config))
            .clone()?;
        provider.read_data(req)
    }

    fn import(&self, req: ImportRequest<'_>) -> Result<Option<Value>, ProviderError> {
        // As Terraform: the ID is the object; input and output are null.
        Ok(Some(Value::Map(
            [
                ("id".to_string(), Value::string(req.id)),
                ("input".to_string(), Value::Null),
                ("output".to_string(), Value::Null),
                ("triggers_replace".to_string(), Value::Null),
            ]
            .into_iter()
            .collect(),
        )))
    }
}
